; Definitions, calls and imports common to JavaScript, TypeScript and TSX: these node types are the same in
; all three grammars. Added to each language's own query in languages.ts.

; const f = () => {}  and  const f = function () {}   @definition.function = the declarator, @name = f
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

; const Button = forwardRef((props, ref) => ...)  and  React.memo(function List() {...})
; (React components wrapped by memo/forwardRef)   @definition.function = the declarator, @name = Button
(variable_declarator
  name: (identifier) @name
  value: (call_expression
    function: [
      (identifier) @_wrapper
      (member_expression property: (property_identifier) @_wrapper)
    ]
    arguments: (arguments . [(arrow_function) (function_expression)]))
  (#any-of? @_wrapper "memo" "forwardRef")) @definition.function

; const C = class {}   @definition.class = the declarator, @name = C
(variable_declarator
  name: (identifier) @name
  value: (class)) @definition.class

; m() {}  inside a class or an object literal   @definition.function (a method in a class), @name = its name
(method_definition
  name: [(property_identifier) (private_property_identifier)] @name) @definition.function

; f(x)  and  f<T>(x)   @call.name = f
(call_expression
  function: (identifier) @call.name)

; obj.method(x)  and  obj?.method(x)   @call.name = method (the receiver is not resolved statically)
(call_expression
  function: (member_expression
    property: [(property_identifier) (private_property_identifier)] @call.name))

; new C(x)   @call.name = C (constructing is a dependency on the class)
(new_expression
  constructor: (identifier) @call.name)

; new ns.C(x)   @call.name = C
(new_expression
  constructor: (member_expression
    property: (property_identifier) @call.name))

; import x from "m"  and  import "m"   @import.module = m
(import_statement
  source: (string (string_fragment) @import.module))

; export { x } from "m"  and  export * from "m"   @import.module = m
(export_statement
  source: (string (string_fragment) @import.module))

; require("m")   @import.module = m   (@_require only restricts the pattern)
(call_expression
  function: (identifier) @_require
  arguments: (arguments . (string (string_fragment) @import.module))
  (#eq? @_require "require"))

; import("m")  (dynamic import)   @import.module = m
(call_expression
  function: (import)
  arguments: (arguments . (string (string_fragment) @import.module)))
