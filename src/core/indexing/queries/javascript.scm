; JavaScript entities (plus CommonJS assignments). Mirrors typescript.scm without the TypeScript-only
; nodes (interfaces, enums, namespaces, abstract classes, signatures). Calls and imports shared with TypeScript
; are in ecmascript.scm, JSX component use in jsx.scm (languages.ts joins the three).
; Captures: @definition.<kind> is the entity's node, @name its name; @call.name the called name;
; @import.module the module an import or require names. Exports, `const`/`let`/`var` and expression
; statements are wrappers (languages.ts), so JSDoc above `export function f` or `exports.f = ...` documents f.
; Decorators are part of the class, method or field node in this grammar. Methods are functions nested in
; a class (the extractor renames them).

; function f() {}  and  function* g() {}   @definition.function = the declaration, @name = its identifier
(function_declaration
  name: (identifier) @name) @definition.function
(generator_function_declaration
  name: (identifier) @name) @definition.function

; exports.f = function () {}  and  module.exports.f = () => {}   @definition.function = the assignment,
; @name = f   (@_exports only restricts the pattern)
(assignment_expression
  left: (member_expression
    object: [
      (identifier) @_exports
      (member_expression property: (property_identifier) @_exports)
    ]
    property: (property_identifier) @name)
  right: [(arrow_function) (function_expression) (generator_function)]
  (#eq? @_exports "exports")) @definition.function

; module.exports = function name () {}   @definition.function = the assignment, @name = the function's own name
(assignment_expression
  left: (member_expression
    object: (identifier) @_module
    property: (property_identifier) @_exports)
  right: (function_expression
    name: (identifier) @name)
  (#eq? @_module "module")
  (#eq? @_exports "exports")) @definition.function

; Foo.prototype.bar = function () {}   @definition.method = the assignment, @name = bar, @scope = Foo
(assignment_expression
  left: (member_expression
    object: (member_expression
      object: (identifier) @scope
      property: (property_identifier) @_prototype)
    property: (property_identifier) @name)
  right: [(arrow_function) (function_expression) (generator_function)]
  (#eq? @_prototype "prototype")) @definition.method

; class C {}   @definition.class = the declaration, @name = its identifier
(class_declaration
  name: (identifier) @name) @definition.class

; static Inner = class {}  as a class field (a nested class)   @definition.class = the field, @name = Inner
(field_definition
  property: [(property_identifier) (private_property_identifier)] @name
  value: (class)) @definition.class

; handler = () => {}  as a class field   @definition.function = the field (becomes a method), @name
(field_definition
  property: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @definition.function
