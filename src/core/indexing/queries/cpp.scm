; C++ entities, calls and includes.
; Captures: @definition.<kind> is the entity's node, @name its name; @scope the class an out-of-class
; member definition names (`Foo` in `void Foo::bar() {}`); @call.name the called name; @import.module
; the header an #include names (quotes and <> are stripped by the extractor).
; Only definitions are entities: prototypes, in-class method declarations and macros are not.
; Functions inside a class/struct become methods (the extractor does that); `template_declaration`,
; `declaration`, `field_declaration` and `type_definition` are wrappers in languages.ts, so a template
; starts at its `template <...>` line and a definition takes the comment above its wrapper as its doc.
; Tree-sitter has no "any depth" for declarators, so function patterns list the shapes in use:
; `f()`, `*f()` / `&f()` (one pointer or reference), `**f()` (two).

; Free functions and in-class methods: int f() {}   T *f() {}   T &f() {}   Foo() {}   ~Foo() {}
; operator==(...) {}   @definition.function = the definition, @name = f / Foo / ~Foo / operator==
(function_definition
  declarator: [
    (function_declarator
      declarator: [(identifier) (field_identifier) (destructor_name) (operator_name)] @name)
    (_
      (function_declarator
        declarator: [(identifier) (field_identifier) (destructor_name) (operator_name)] @name))
    (_
      (_
        (function_declarator
          declarator: [(identifier) (field_identifier) (destructor_name) (operator_name)] @name)))
  ]) @definition.function

; Out-of-class members: void Foo::bar() {}   Foo::Foo() {}   Foo::~Foo() {}   T *Foo::bar() {}
; template <class T> void Box<T>::bar() {}   (Box<T> is scoped as Box)
; @definition.method = the definition, @scope = Foo / Box, @name = bar / Foo / ~Foo.
; (A namespace-qualified free function, `void ns::f() {}`, looks the same and is reported as a method.)
(function_definition
  declarator: [
    (function_declarator
      declarator: (qualified_identifier
        scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
        name: [(identifier) (destructor_name) (operator_name)] @name))
    (_
      (function_declarator
        declarator: (qualified_identifier
          scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
          name: [(identifier) (destructor_name) (operator_name)] @name)))
  ]) @definition.method

; Two levels: void Outer::Inner::bar() {}   Shape *Outer::Inner::bar() {}
; @scope is captured for both levels (Outer, then Inner), @name = bar.
(function_definition
  declarator: [
    (function_declarator
      declarator: (qualified_identifier
        scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
        name: (qualified_identifier
          scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
          name: [(identifier) (destructor_name) (operator_name)] @name)))
    (_
      (function_declarator
        declarator: (qualified_identifier
          scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
          name: (qualified_identifier
            scope: [(namespace_identifier) @scope (template_type name: (type_identifier) @scope)]
            name: [(identifier) (destructor_name) (operator_name)] @name))))
  ]) @definition.method

; auto f = [](int x) { ... };   a lambda given a name: @definition.function = the `f = [...]`
; declarator (its signature runs from `f` to the lambda's body), @name = f
(declaration
  declarator: (init_declarator
    declarator: (identifier) @name
    value: (lambda_expression)) @definition.function)

; namespace geo { ... }   namespace geo::io { ... }   @definition.module = the namespace,
; @name = geo / geo::io (anonymous namespaces are skipped)
(namespace_definition
  name: [(namespace_identifier) (nested_namespace_specifier)] @name) @definition.module

; class Foo { ... };   template <...> class Foo { ... };   @definition.class = the class, @name = Foo
; (`class Foo;` has no body: skipped)
(class_specifier
  name: (type_identifier) @name
  body: (field_declaration_list)) @definition.class

; template <> class Foo<int> { ... };   a specialisation: @name = Foo
(class_specifier
  name: (template_type name: (type_identifier) @name)
  body: (field_declaration_list)) @definition.class

; struct Foo { ... };   union Foo { ... };   @definition.struct = the struct or union, @name = Foo
(struct_specifier
  name: (type_identifier) @name
  body: (field_declaration_list)) @definition.struct

(union_specifier
  name: (type_identifier) @name
  body: (field_declaration_list)) @definition.struct

; typedef struct { ... } Name;   an anonymous struct or union named by its typedef: @name = Name
; (a tagged one, `typedef struct tag { ... } Name;`, is named after its tag by the pattern above)
(type_definition
  type: [
    (struct_specifier !name body: (field_declaration_list)) @definition.struct
    (union_specifier !name body: (field_declaration_list)) @definition.struct
  ]
  declarator: (type_identifier) @name)

; enum Color { ... };   enum class Color { ... };   @definition.enum = the enum, @name = Color
(enum_specifier
  name: (type_identifier) @name
  body: (enumerator_list)) @definition.enum

; typedef enum { ... } Name;   an anonymous enum named by its typedef: @name = Name
(type_definition
  type: (enum_specifier !name body: (enumerator_list)) @definition.enum
  declarator: (type_identifier) @name)

; f(x)   @call.name = f
(call_expression
  function: (identifier) @call.name)

; obj.f(x)   ptr->f(x)   @call.name = f
(call_expression
  function: (field_expression
    field: (field_identifier) @call.name))

; ns::f(x)   Foo::f(x)   a::b::f(x)   a::b::c::f(x)   @call.name = f
(call_expression
  function: (qualified_identifier
    name: (identifier) @call.name))

(call_expression
  function: (qualified_identifier
    name: (qualified_identifier
      name: (identifier) @call.name)))

(call_expression
  function: (qualified_identifier
    name: (qualified_identifier
      name: (qualified_identifier
        name: (identifier) @call.name))))

; f<T>(x)   std::make_unique<T>(x)   @call.name = f / make_unique (the casts are not calls)
(call_expression
  function: (template_function
    name: (identifier) @call.name)
  (#not-any-of? @call.name "static_cast" "dynamic_cast" "const_cast" "reinterpret_cast"))

(call_expression
  function: (qualified_identifier
    name: (template_function
      name: (identifier) @call.name)))

; obj.f<T>(x)   @call.name = f
(call_expression
  function: (field_expression
    field: (template_method
      name: (field_identifier) @call.name)))

; new Foo(x)   new Box<int>(x)   new ns::Foo(x)   a constructor call: @call.name = Foo / Box
(new_expression
  type: [
    (type_identifier) @call.name
    (template_type name: (type_identifier) @call.name)
    (qualified_identifier name: (type_identifier) @call.name)
    (qualified_identifier name: (template_type name: (type_identifier) @call.name))
  ])

; #include <vector>  and  #include "shapes/base.h"   @import.module = vector / shapes/base.h
(preproc_include
  path: [(system_lib_string) (string_literal)] @import.module)
