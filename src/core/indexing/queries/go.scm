; Go entities, calls and imports.
; Captures: @definition.<kind> is the entity's node, @name its name; @scope the receiver type of a
; method (`Repo` in `func (r *Repo) Get()`, so the method is `Repo.Get`); @call.name the called name;
; @import.module the imported package path (quotes are stripped by the extractor).
; Interface method signatures and named non-struct types (`type Key string`) are not entities.
;
; Type declarations: a lone `type Foo struct {...}` is captured as the whole type_declaration, so it
; starts at `type` and takes the comment above it as its doc. Inside a group, `type ( A struct{...};
; B interface{...} )`, each type_spec is captured on its own, with the comment above it inside the
; group. A group is told apart by its text: it starts with `type (`.

; func f(...) { ... }   func f[T any](...) { ... }   @definition.function = the declaration, @name = f
(function_declaration
  name: (identifier) @name) @definition.function

; func (r *Repo) Get(...)   func (r Repo) Get(...)   func (s *Stack[T]) Push(...)   func (s Stack[T]) ...
; @definition.method = the declaration, @scope = Repo / Stack (the receiver type), @name = Get / Push
(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [
        (type_identifier) @scope
        (pointer_type (type_identifier) @scope)
        (generic_type type: (type_identifier) @scope)
        (pointer_type (generic_type type: (type_identifier) @scope))
      ]))
  name: (field_identifier) @name) @definition.method

; type Foo struct { ... }   type Foo[T any] struct { ... }   (alone)
; @definition.struct = the type declaration, @name = Foo
((type_declaration
  (type_spec
    name: (type_identifier) @name
    type: (struct_type))) @definition.struct
  (#not-match? @definition.struct "^type\\s*\\("))

; type Foo interface { ... }   (alone)   @definition.interface = the type declaration, @name = Foo
((type_declaration
  (type_spec
    name: (type_identifier) @name
    type: (interface_type))) @definition.interface
  (#not-match? @definition.interface "^type\\s*\\("))

; type ( ... Foo struct { ... } ... )   in a group: @definition.struct = the type_spec, @name = Foo,
; @_group = the group (only for the predicate)
((type_declaration
  (type_spec
    name: (type_identifier) @name
    type: (struct_type)) @definition.struct) @_group
  (#match? @_group "^type\\s*\\("))

; type ( ... Foo interface { ... } ... )   in a group: @definition.interface = the type_spec, @name = Foo
((type_declaration
  (type_spec
    name: (type_identifier) @name
    type: (interface_type)) @definition.interface) @_group
  (#match? @_group "^type\\s*\\("))

; f(x)   f[T](x)   @call.name = f
(call_expression
  function: (identifier) @call.name)

; pkg.F(x)   obj.Method(x)   @call.name = F / Method
(call_expression
  function: (selector_expression
    field: (field_identifier) @call.name))

; import "fmt"   import ( "fmt"; str "strings" )   @import.module = fmt / strings (aliases are dropped)
(import_spec
  path: [(interpreted_string_literal) (raw_string_literal)] @import.module)
