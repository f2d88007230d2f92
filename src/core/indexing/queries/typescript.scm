; TypeScript and TSX entities, calls and imports (TSX uses this file too: its grammar adds JSX nodes only).
; Captures: @definition.<kind> is the entity's node, @name its name; @call.name the called name;
; @import.module the module an import or require names. Exports, `declare` and `const` are wrappers
; (languages.ts), so JSDoc above `export function f` still documents f.

; function f() {}  and  function* g() {}   @definition.function = declaration, @name = identifier
(function_declaration
  name: (identifier) @name) @definition.function
(generator_function_declaration
  name: (identifier) @name) @definition.function

; declare function f(): void;  (ambient or overload signature)   @definition.function, @name
(function_signature
  name: (identifier) @name) @definition.function

; const f = () => {}  and  const f = function () {}   @definition.function = the declarator, @name = f
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

; class C {} / abstract class C {}   @definition.class, @name = type identifier
(class_declaration
  name: (type_identifier) @name) @definition.class
(abstract_class_declaration
  name: (type_identifier) @name) @definition.class

; const C = class {}   @definition.class = the declarator, @name = C
(variable_declarator
  name: (identifier) @name
  value: (class)) @definition.class

; m() {} inside a class or object literal   @definition.function (becomes a method), @name = property name
(method_definition
  name: [(property_identifier) (private_property_identifier)] @name) @definition.function

; abstract m(): void;   @definition.function (becomes a method), @name
(abstract_method_signature
  name: [(property_identifier) (private_property_identifier)] @name) @definition.function

; handler = () => {}  as a class field   @definition.function (becomes a method), @name
(public_field_definition
  name: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @definition.function

; interface I {}   @definition.interface, @name
(interface_declaration
  name: (type_identifier) @name) @definition.interface

; enum E {}   @definition.enum, @name
(enum_declaration
  name: (identifier) @name) @definition.enum

; namespace N {}  and  module N {}   @definition.module, @name (dotted names keep their dots)
(internal_module
  name: [(identifier) (nested_identifier)] @name) @definition.module
(module
  name: [(identifier) (nested_identifier)] @name) @definition.module

; f(x)   @call.name = f
(call_expression
  function: (identifier) @call.name)

; obj.method(x)   @call.name = method
(call_expression
  function: (member_expression
    property: [(property_identifier) (private_property_identifier)] @call.name))

; new C(x)   @call.name = C (constructing is a dependency on the class)
(new_expression
  constructor: (identifier) @call.name)

; import x from "m"   @import.module = m
(import_statement
  source: (string (string_fragment) @import.module))

; export { x } from "m"   @import.module = m
(export_statement
  source: (string (string_fragment) @import.module))

; require("m")   @import.module = m
(call_expression
  function: (identifier) @_require
  arguments: (arguments . (string (string_fragment) @import.module))
  (#eq? @_require "require"))
