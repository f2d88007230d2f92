; Ruby entities, calls and imports.
; Captures: @definition.<kind> is the entity's node, @name its name; @call.name the called name;
; @import.module the path a require names; @scope an explicit receiver constant (`def Foo.bar`).
; Qualified names use `::`: a class nested in a module is `Outer::Inner`, its methods `Outer::Inner::m`.
; `def` and `def self.x` inside a class become methods (the extractor does that); in a module they stay
; functions. `class << self` is not an entity: the methods in it nest directly under the enclosing class.
; Bare calls without receiver, arguments or parentheses (`validate`) are plain identifiers to the grammar and
; cannot be told from local variables, so they are not calls. Comments directly above a definition are its doc.

; module M ... end  and  module A::B ... end   @definition.module, @name = M / A::B
(module
  name: [(constant) (scope_resolution)] @name) @definition.module

; class C < Base ... end  and  class A::C ... end   @definition.class, @name = C / A::C
(class
  name: [(constant) (scope_resolution)] @name) @definition.class

; def m(x) ... end  and  def m = expr   @definition.function (a method inside a class), @name = m
(method
  name: (_) @name) @definition.function

; def self.m ... end   @definition.function (a method inside a class), @name = m
(singleton_method
  object: (self)
  name: (_) @name) @definition.function

; def Foo.m ... end   @definition.function, @scope = Foo (used when it is not nested in Foo), @name = m
(singleton_method
  object: [(constant) (scope_resolution)] @scope
  name: (_) @name) @definition.function

; name = ->(x) { ... }   @definition.function = the assignment, @name = name
(assignment
  left: [(identifier) (constant)] @name
  right: (lambda)) @definition.function

; name = lambda { |x| ... }  and  name = proc do ... end   @definition.function = the assignment, @name
(assignment
  left: [(identifier) (constant)] @name
  right: (call
    method: (identifier) @_maker
    block: [(block) (do_block)])
  (#any-of? @_maker "lambda" "proc")) @definition.function

; f(x), f x, obj.f, obj.f(x), Foo.f   @call.name = f. Declarations written as calls (require, include,
; attr_reader, private, lambda, ...) are language plumbing, not dependencies, and are left out.
((call
  method: [(identifier) (constant)] @call.name)
  (#not-any-of? @call.name
    "require" "require_relative" "load" "autoload" "include" "extend" "prepend"
    "attr_reader" "attr_writer" "attr_accessor" "private" "protected" "public"
    "module_function" "private_constant" "public_constant" "private_class_method"
    "public_class_method" "lambda" "proc"))

; Foo.new(x)  and  A::Foo.new(x)   @call.name = Foo (constructing is a dependency on the class; `new` is
; captured too by the pattern above)
(call
  receiver: [
    (constant) @call.name
    (scope_resolution name: (constant) @call.name)
  ]
  method: (identifier) @_new
  (#eq? @_new "new"))

; require "a/b"  and  require_relative "b"   @import.module = a/b / b
(call
  method: (identifier) @_require
  arguments: (argument_list
    .
    (string
      (string_content) @import.module))
  (#any-of? @_require "require" "require_relative"))
