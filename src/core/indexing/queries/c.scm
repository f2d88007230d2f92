; C entities, calls and includes.
; Captures: @definition.<kind> is the entity's node, @name its name; @call.name the called name;
; @import.module the header an #include names (quotes and <> are stripped by the extractor).
; Only definitions are entities: prototypes (declarations without a body) and macros are not.
; Unions are reported as structs. `declaration`, `field_declaration` and `type_definition` are wrappers
; in languages.ts, so a typedef'd struct starts at `typedef` and takes the comment above it as its doc.

; int f(void) { ... }   @definition.function = the definition, @name = f
(function_definition
  declarator: (function_declarator
    declarator: (identifier) @name)) @definition.function

; char *f(void) { ... }   a function returning a pointer: @name = f
(function_definition
  declarator: (pointer_declarator
    declarator: (function_declarator
      declarator: (identifier) @name))) @definition.function

; char **f(void) { ... }   a function returning a pointer to a pointer: @name = f
(function_definition
  declarator: (pointer_declarator
    declarator: (pointer_declarator
      declarator: (function_declarator
        declarator: (identifier) @name)))) @definition.function

; typedef struct { ... } Name;  typedef union ...;  typedef enum ...;   (with a tag or without)
; @definition.struct / @definition.enum = the struct, union or enum, @name = Name (not the tag).
(type_definition
  type: [
    (struct_specifier body: (field_declaration_list)) @definition.struct
    (union_specifier body: (field_declaration_list)) @definition.struct
    (enum_specifier body: (enumerator_list)) @definition.enum
  ]
  declarator: (type_identifier) @name)

; struct tag { ... };  union tag { ... };  enum tag { ... };   named after the tag: @name = tag.
; Tree-sitter cannot say "not inside a typedef", so these patterns list the places where such a
; definition stands outside a typedef: the file, #if/#ifdef/#else/#elif blocks, function bodies, and
; declarations of variables or fields (`struct tag { ... } var;`). `struct tag x;` has no body: skipped.
(translation_unit
  [
    (struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
  ])

(preproc_if
  [
    (struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
  ])

(preproc_ifdef
  [
    (struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
  ])

(preproc_else
  [
    (struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
  ])

(preproc_elif
  [
    (struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
  ])

(compound_statement
  [
    (struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
  ])

(declaration
  type: [
    (struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
  ])

; The same inside a struct: `struct outer { struct inner { ... } in; };`  @name = inner
(field_declaration
  type: [
    (struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
    (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
  ])

; f(x)   @call.name = f (function-like macros called in code look the same and count as calls)
(call_expression
  function: (identifier) @call.name)

; s->fn(x)  and  s.fn(x)   a call through a function pointer field: @call.name = fn
(call_expression
  function: (field_expression
    field: (field_identifier) @call.name))

; #include <stdio.h>  and  #include "store.h"   @import.module = stdio.h / store.h
(preproc_include
  path: [(system_lib_string) (string_literal)] @import.module)
