/** Turns raw comment or docstring text into plain prose. */

const MAX_DOC_CHARS = 2000;

/** Strips comment markers (`//`, `///`, `#`, `/** … *\/`, leading `*`) from consecutive comment lines. */
export function cleanComment(raw: string): string {
  const lines = raw.replace(/\r\n?/g, '\n').split('\n').map((line) =>
    line
      .replace(/^\s*(\/\*\*?!?|\/\/[\/!]?|#+|--|\*(?!\/))\s?/, '')
      .replace(/\s*\*+\/\s*$/, '')
      .trimEnd(),
  );
  return trimBlankEdges(lines).join('\n').slice(0, MAX_DOC_CHARS);
}

/** Python docstring: drop prefix and quotes, then dedent like `inspect.cleandoc`. */
export function cleanDocstring(literal: string): string {
  const body = literal
    .replace(/^[rRuUbBfF]{0,2}("""|'''|"|')/, '')
    .replace(/("""|'''|"|')$/, '');
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  let indent = Infinity;
  for (const line of lines.slice(1)) {
    const stripped = line.trimStart();
    if (stripped) indent = Math.min(indent, line.length - stripped.length);
  }
  const dedented = [lines[0].trim(), ...lines.slice(1).map((l) => (indent === Infinity ? l : l.slice(indent)).trimEnd())];
  return trimBlankEdges(dedented).join('\n').slice(0, MAX_DOC_CHARS);
}

function trimBlankEdges(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && !lines[start].trim()) start++;
  while (end > start && !lines[end - 1].trim()) end--;
  return lines.slice(start, end);
}
