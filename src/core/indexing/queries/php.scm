; PHP entities, calls and imports.
; Captures: @definition.<kind> is the entity's node, @name its name; @call.name the called name;
; @import.module the namespace, class or file a `use`, `require` or `include` names; @scope the namespace
; of a top-level declaration that follows a `namespace X;` statement. Attributes (`#[...]`) are children of
; the declaration they decorate, so entity ranges start at the first attribute; docblocks are the comments
; directly above. Closures and arrow functions are values, not entities: calls inside them belong to the
; enclosing function or method.

; namespace App\Models { ... }  (braced form: it encloses its declarations)   @definition.module, @name
(namespace_definition
  name: (namespace_name) @name
  body: (compound_statement)) @definition.module

; namespace App\Models;  followed by top-level declarations. The statement form encloses nothing in the
; tree, so each top-level class, interface, trait, enum and function after it gets the namespace as
; @scope (`App\Models::User`). These patterns come before the unscoped ones below: the extractor keeps the
; first match of a node.
(program
  (namespace_definition
    name: (namespace_name) @scope
    !body)
  [
    (class_declaration name: (name) @name) @definition.class
    (interface_declaration name: (name) @name) @definition.interface
    (trait_declaration name: (name) @name) @definition.trait
    (enum_declaration name: (name) @name) @definition.enum
    (function_definition name: (name) @name) @definition.function
  ])

; class C {} (also abstract, final and readonly classes)   @definition.class, @name = name
(class_declaration
  name: (name) @name) @definition.class

; interface I {}   @definition.interface, @name = name
(interface_declaration
  name: (name) @name) @definition.interface

; trait T {}   @definition.trait, @name = name
(trait_declaration
  name: (name) @name) @definition.trait

; enum E: string {}   @definition.enum, @name = name
(enum_declaration
  name: (name) @name) @definition.enum

; function f() {}   @definition.function, @name = name
(function_definition
  name: (name) @name) @definition.function

; function m() {} inside a class, interface, trait or enum   @definition.method, @name = name. Only methods
; with a body: abstract and interface method signatures are not entities.
(method_declaration
  name: (name) @name
  body: (compound_statement)) @definition.method

; f(x)  and  App\f(x)   @call.name = f
(function_call_expression
  function: [
    (name) @call.name
    (qualified_name (name) @call.name .)
  ])

; $obj->m(x)  and  $obj?->m(x)   @call.name = m
(member_call_expression
  name: (name) @call.name)
(nullsafe_member_call_expression
  name: (name) @call.name)

; Foo::bar(x)  and  parent::bar(x)   @call.name = bar
(scoped_call_expression
  name: (name) @call.name)

; new Foo(x)  and  new \App\Foo  (`new self`, `new static`, `new parent` and `new class {}` name no class)
;   @call.name = Foo (constructing is a dependency on the class)
(object_creation_expression
  [
    (name) @call.name
    (qualified_name (name) @call.name .)
  ]
  (#not-any-of? @call.name "self" "static" "parent"))

; use App\Models\User;  and  use function App\helper;  and  use App\Models\User as U;
;   @import.module = App\Models\User / App\helper
(namespace_use_clause
  [(name) (qualified_name)] @import.module)

; use App\Support\{Cache, Logger};   @import.module = App\Support (the group's common prefix)
(namespace_use_declaration
  (namespace_name) @import.module
  (namespace_use_group))

; require 'x.php';  and  require __DIR__ . '/x.php';  (also require_once, include, include_once) with a
; literal path, or a directory expression joined to a literal   @import.module = x.php / /x.php
(require_expression
  [
    (string . (string_content) @import.module .)
    (encapsed_string . (string_content) @import.module .)
    (binary_expression
      right: [
        (string . (string_content) @import.module .)
        (encapsed_string . (string_content) @import.module .)
      ])
  ])
(require_once_expression
  [
    (string . (string_content) @import.module .)
    (encapsed_string . (string_content) @import.module .)
    (binary_expression
      right: [
        (string . (string_content) @import.module .)
        (encapsed_string . (string_content) @import.module .)
      ])
  ])
(include_expression
  [
    (string . (string_content) @import.module .)
    (encapsed_string . (string_content) @import.module .)
    (binary_expression
      right: [
        (string . (string_content) @import.module .)
        (encapsed_string . (string_content) @import.module .)
      ])
  ])
(include_once_expression
  [
    (string . (string_content) @import.module .)
    (encapsed_string . (string_content) @import.module .)
    (binary_expression
      right: [
        (string . (string_content) @import.module .)
        (encapsed_string . (string_content) @import.module .)
      ])
  ])
