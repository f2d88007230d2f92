; Java entities, calls and imports.
; Captures: @definition.<kind> is the entity's node, @name its name; @call.name the called name;
; @import.module the imported package, type or static member. Annotations live inside the declaration's
; `modifiers` node, so entity ranges start at the first annotation without any wrapper setting; Javadoc is
; the block of comments directly above. Lambdas are anonymous and not entities; the package declaration is
; not a scope (names are not prefixed with it).

; class C {} (also nested, inner and local classes)   @definition.class = the declaration, @name = identifier
(class_declaration
  name: (identifier) @name) @definition.class

; record R(int x) {}   @definition.class (Java has no structs; a record is a class), @name = identifier
(record_declaration
  name: (identifier) @name) @definition.class

; interface I {}   @definition.interface, @name = identifier
(interface_declaration
  name: (identifier) @name) @definition.interface

; @interface A {}  (annotation type: a kind of interface)   @definition.interface, @name = identifier
(annotation_type_declaration
  name: (identifier) @name) @definition.interface

; enum E {}   @definition.enum, @name = identifier
(enum_declaration
  name: (identifier) @name) @definition.enum

; T m(...) { ... }   @definition.method = the declaration, @name = identifier. Only methods with a body:
; abstract and interface method signatures are not entities (default and static interface methods are).
(method_declaration
  name: (identifier) @name
  body: (block)) @definition.method

; C(...) { ... }  constructor   @definition.method, @name = the class's identifier
(constructor_declaration
  name: (identifier) @name) @definition.method

; R { ... }  compact record constructor   @definition.method, @name = the record's identifier
(compact_constructor_declaration
  name: (identifier) @name) @definition.method

; f(x)  and  obj.f(x)  and  Type.<T>f(x)   @call.name = f
(method_invocation
  name: (identifier) @call.name)

; new C(x)  and  new C<>(x)   @call.name = C (constructing is a dependency on the class)
(object_creation_expression
  type: [
    (type_identifier) @call.name
    (generic_type (type_identifier) @call.name)
  ])

; new Outer.Inner(x)  and  new a.b.C<T>(x)   @call.name = the last type identifier (Inner, C)
(object_creation_expression
  type: [
    (scoped_type_identifier (type_identifier) @call.name .)
    (generic_type (scoped_type_identifier (type_identifier) @call.name .))
  ])

; Type::method  and  obj::method  and  Type::new   @call.name = method (or Type for ::new): a method
; reference hands the method to someone who calls it, so it is a dependency like a call
(method_reference
  (identifier) @call.name .)

; import a.b.C;  import a.b.*;  import static a.b.C.m;   @import.module = a.b.C / a.b / a.b.C.m
(import_declaration
  [(scoped_identifier) (identifier)] @import.module)
