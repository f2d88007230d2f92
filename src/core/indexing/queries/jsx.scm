; JSX, added to the JavaScript and TSX queries (the TypeScript grammar has no JSX nodes, so it cannot live in
; typescript.scm). Rendering a component is a dependency on it, like a call.
; Only capitalised names are components: lowercase tags (<div>) are HTML elements.

; <Button …/>   @call.name = Button
(jsx_self_closing_element
  name: (identifier) @call.name
  (#match? @call.name "^[A-Z]"))

; <Layout>…</Layout>   @call.name = Layout (the opening tag only, so it counts once)
(jsx_opening_element
  name: (identifier) @call.name
  (#match? @call.name "^[A-Z]"))
