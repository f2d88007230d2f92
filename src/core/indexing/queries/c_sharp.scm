; C# entities, calls and imports.
; Captures: @definition.<kind> is the entity's node, @name its name; @call.name the called name;
; @import.module the namespace or type a `using` directive names. Attribute lists are children of the
; declaration they decorate, so entity ranges start at the first `[Attribute]` without any wrapper setting;
; `///` doc comments are the comments directly above. Properties, indexers, events, operators and lambdas
; are not entities (calls inside them belong to the enclosing type or member).

; namespace A.B { ... }   @definition.module = the declaration, @name = its (possibly dotted) name
(namespace_declaration
  name: [(identifier) (qualified_name)] @name) @definition.module

; namespace A.B;  (file-scoped: the node spans the rest of the file)   @definition.module, @name
(file_scoped_namespace_declaration
  name: [(identifier) (qualified_name)] @name) @definition.module

; class C {} (also nested and static classes)   @definition.class, @name = identifier
(class_declaration
  name: (identifier) @name) @definition.class

; record R(...) {}  and  record class R   @definition.class, @name = identifier
(record_declaration
  name: (identifier) @name) @definition.class

; struct S {}   @definition.struct, @name = identifier
(struct_declaration
  name: (identifier) @name) @definition.struct

; record struct R(...);   @definition.struct, @name = identifier
(record_struct_declaration
  name: (identifier) @name) @definition.struct

; interface I {}   @definition.interface, @name = identifier
(interface_declaration
  name: (identifier) @name) @definition.interface

; enum E {}   @definition.enum, @name = identifier
(enum_declaration
  name: (identifier) @name) @definition.enum

; T M(...) { ... }  and  T M(...) => expr;   @definition.method, @name = identifier. Only methods with a
; body: abstract, extern, partial and interface method signatures are not entities (default interface
; methods are).
(method_declaration
  name: (identifier) @name
  body: [(block) (arrow_expression_clause)]) @definition.method

; C(...) { ... }  constructor   @definition.method, @name = the type's identifier
(constructor_declaration
  name: (identifier) @name
  body: [(block) (arrow_expression_clause)]) @definition.method

; ~C() { ... }  finalizer   @definition.method, @name = the type's identifier (without `~`)
(destructor_declaration
  name: (identifier) @name
  body: [(block) (arrow_expression_clause)]) @definition.method

; T Local(...) { ... }  local function inside a member   @definition.function, @name = identifier
(local_function_statement
  name: (identifier) @name) @definition.function

; F(x)  and  F<T>(x)   @call.name = F  (`nameof(x)` is an operator, not a call)
(invocation_expression
  function: [
    (identifier) @call.name
    (generic_name (identifier) @call.name)
  ]
  (#not-eq? @call.name "nameof"))

; obj.M(x)  and  obj.M<T>(x)   @call.name = M
(invocation_expression
  function: (member_access_expression
    name: [
      (identifier) @call.name
      (generic_name (identifier) @call.name)
    ]))

; obj?.M(x)   @call.name = M
(invocation_expression
  function: (conditional_access_expression
    (member_binding_expression
      name: [
        (identifier) @call.name
        (generic_name (identifier) @call.name)
      ])))

; new C(x)  and  new C<T>(x)   @call.name = C (constructing is a dependency on the type; `new()` names none)
(object_creation_expression
  type: [
    (identifier) @call.name
    (generic_name (identifier) @call.name)
  ])

; new A.B.C(x)  and  new A.B.C<T>(x)   @call.name = C (the last name)
(object_creation_expression
  type: (qualified_name
    [
      (identifier) @call.name
      (generic_name (identifier) @call.name)
    ] .))

; using A.B;  using static A.B.C;  global using A.B;  using X = A.B;   @import.module = A.B / A.B.C
(using_directive
  [(identifier) (qualified_name)] @import.module)
