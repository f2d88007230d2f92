; Calls and imports common to JavaScript, TypeScript and TSX: these node types are the same in all three
; grammars. Added to each language's own query in languages.ts.

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
