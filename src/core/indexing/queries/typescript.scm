; TypeScript and TSX entities and TypeScript-only imports (TSX uses this file too: its grammar adds JSX nodes
; only, so no pattern here may name a JSX node). Calls and imports shared with JavaScript are in ecmascript.scm,
; JSX component use in jsx.scm (languages.ts joins them).
; Captures: @definition.<kind> is the entity's node, @name its name; @call.name the called name;
; @import.module the module an import or require names. Exports, `declare`, `const` and top-level
; `namespace` statements are wrappers (languages.ts), so JSDoc above `export function f` still documents f.
; Decorators of methods and overload signatures of methods are attachments: a method starts at its
; first decorator or overload. Methods are functions nested in a class (the extractor renames them).

; function f() {}  and  function* g() {}   @definition.function = the declaration, @name = its identifier
(function_declaration
  name: (identifier) @name) @definition.function
(generator_function_declaration
  name: (identifier) @name) @definition.function

; declare function f(): void;  (also `export declare function`)   @definition.function = the signature, @name
; Signatures outside `declare` are overloads of an implementation that follows; they are not entities.
(ambient_declaration
  (function_signature
    name: (identifier) @name) @definition.function)

; declare namespace N { function f(): void; }  and  declare module "m" { ... }   @definition.function, @name
(ambient_declaration
  (_
    body: (statement_block
      (function_signature
        name: (identifier) @name) @definition.function)))

; declare module "m" { export function f(): void; }   @definition.function, @name
(ambient_declaration
  (_
    body: (statement_block
      (export_statement
        (function_signature
          name: (identifier) @name) @definition.function))))

; declare global { function f(): void; }   @definition.function, @name
(ambient_declaration
  (statement_block
    (function_signature
      name: (identifier) @name) @definition.function))

; class C {}  and  abstract class C {}   @definition.class = the declaration, @name = its type identifier
(class_declaration
  name: (type_identifier) @name) @definition.class
(abstract_class_declaration
  name: (type_identifier) @name) @definition.class

; static Inner = class {}  as a class field (a nested class)   @definition.class = the field, @name = Inner
(public_field_definition
  name: [(property_identifier) (private_property_identifier)] @name
  value: (class)) @definition.class

; abstract m(): void;   @definition.function (becomes a method), @name
(abstract_method_signature
  name: [(property_identifier) (private_property_identifier)] @name) @definition.function

; handler = () => {}  as a class field   @definition.function = the field (becomes a method), @name
(public_field_definition
  name: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @definition.function

; interface I {}   @definition.interface = the declaration, @name = its type identifier
; (its method signatures are not entities)
(interface_declaration
  name: (type_identifier) @name) @definition.interface

; enum E {}  and  const enum E {}   @definition.enum = the declaration, @name = its identifier
(enum_declaration
  name: (identifier) @name) @definition.enum

; namespace N {}  and  module N {}   @definition.module, @name (dotted names `A.B` keep their dots).
; `declare module "m"` and `declare global` have no identifier: their contents belong to the enclosing scope.
(internal_module
  name: [(identifier) (nested_identifier)] @name) @definition.module
(module
  name: [(identifier) (nested_identifier)] @name) @definition.module

; import x = require("m")   @import.module = m
(import_statement
  (import_require_clause
    source: (string (string_fragment) @import.module)))
