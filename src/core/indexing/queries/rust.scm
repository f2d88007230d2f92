; Rust entities, calls and imports.
; Captures: @definition.<kind> is the entity's node, @name its name; @call.name the called name;
; @import.module the path a `use` or `extern crate` names. Functions inside a trait or impl become methods
; (the extractor does that), so `impl Store { fn new() }` gives `Store::new`. `#[...]` attributes are
; attachments (languages.ts): an entity starts at its first attribute, and `///` comments above it are its doc.
; Trait method signatures without a body (function_signature_item) and `mod m;` without a body are not
; entities. Calls inside macro arguments are not seen: the grammar keeps macro arguments as raw token trees.

; fn f() {}  (free, nested, or inside a trait/impl)   @definition.function = the item, @name = its identifier
(function_item
  name: (identifier) @name) @definition.function

; struct S { ... } / struct S(...); / struct S;   @definition.struct, @name = type identifier
(struct_item
  name: (type_identifier) @name) @definition.struct

; union U { ... }   @definition.struct (a struct whose fields overlap), @name
(union_item
  name: (type_identifier) @name) @definition.struct

; enum E { ... }   @definition.enum, @name
(enum_item
  name: (type_identifier) @name) @definition.enum

; trait T { ... }   @definition.trait, @name
(trait_item
  name: (type_identifier) @name) @definition.trait

; mod m { ... }  (inline modules only)   @definition.module, @name
(mod_item
  name: (identifier) @name
  body: (declaration_list)) @definition.module

; impl Foo {}  and  impl Trait for Foo {}   @definition.impl = the block, @name = the implementing type Foo
(impl_item
  type: [(type_identifier) (primitive_type)] @name) @definition.impl

; impl<T> Foo<T> {}  and  impl<T> Trait for Foo<T> {}   @definition.impl, @name = Foo (type arguments dropped)
(impl_item
  type: (generic_type
    type: (type_identifier) @name)) @definition.impl

; impl a::Foo {}  and  impl<T> a::Foo<T> {}   @definition.impl, @name = Foo (the path is dropped)
(impl_item
  type: [
    (scoped_type_identifier name: (type_identifier) @name)
    (generic_type type: (scoped_type_identifier name: (type_identifier) @name))
  ]) @definition.impl

; f(x)   @call.name = f
(call_expression
  function: (identifier) @call.name)

; x.f(y)   @call.name = f (the receiver is not resolved statically)
(call_expression
  function: (field_expression
    field: (field_identifier) @call.name))

; Foo::new(x)  and  a::b::f(x)   @call.name = new / f (the last path segment)
(call_expression
  function: (scoped_identifier
    name: (identifier) @call.name))

; f::<T>(x), x.f::<T>(), a::f::<T>(x)   @call.name = f
(call_expression
  function: (generic_function
    function: [
      (identifier) @call.name
      (field_expression field: (field_identifier) @call.name)
      (scoped_identifier name: (identifier) @call.name)
    ]))

; Foo { a: 1 }  and  a::Foo { a: 1 }  (struct construction; `Self { .. }` is skipped)   @call.name = Foo
((struct_expression
  name: [
    (type_identifier) @call.name
    (scoped_type_identifier name: (type_identifier) @call.name)
  ])
  (#not-eq? @call.name "Self"))

; use a::b::C;   @import.module = a::b::C  (also `use C;`, `use crate::x;`, `use super::x;`)
(use_declaration
  argument: [(identifier) (scoped_identifier)] @import.module)

; use a::b::C as D;   @import.module = a::b::C
(use_declaration
  argument: (use_as_clause
    path: [(identifier) (scoped_identifier)] @import.module))

; use a::b::{C, D};   @import.module = a::b (the common path of the list)
(use_declaration
  argument: (scoped_use_list
    path: [(identifier) (scoped_identifier) (crate) (super) (self)] @import.module))

; use a::b::*;   @import.module = a::b
(use_declaration
  argument: (use_wildcard
    [(identifier) (scoped_identifier) (crate) (super) (self)] @import.module))

; extern crate serde;   @import.module = serde
(extern_crate_declaration
  name: (identifier) @import.module)
