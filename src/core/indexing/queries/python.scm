; Python entities, calls and imports.
; Captures: @definition.<kind> is the entity's node, @name its name; @call.name the called name;
; @import.module the module an import names. Methods are functions nested in a class (the extractor
; turns them into `method`); decorated definitions start at their first decorator (decorated_definition
; is a wrapper in languages.ts).

; def f(...): ...  and  async def f(...): ...   @definition.function = the def, @name = its identifier
(function_definition
  name: (identifier) @name) @definition.function

; class C(...): ...   @definition.class = the class, @name = its identifier
(class_definition
  name: (identifier) @name) @definition.class

; f(x)   @call.name = f
(call
  function: (identifier) @call.name)

; obj.method(x)   @call.name = method (the receiver is not resolved statically)
(call
  function: (attribute
    attribute: (identifier) @call.name))

; import a.b.c   @import.module = a.b.c
(import_statement
  name: (dotted_name) @import.module)

; import a.b as c   @import.module = a.b
(import_statement
  name: (aliased_import
    name: (dotted_name) @import.module))

; from a.b import c   and   from .a import c   @import.module = a.b / .a
(import_from_statement
  module_name: [(dotted_name) (relative_import)] @import.module)
