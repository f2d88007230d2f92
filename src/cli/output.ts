/**
 * Text for a terminal: control characters (from file names, memory text or a server's message) would move the
 * cursor, recolour or retitle the terminal, and bidirectional overrides would reorder what is read; both are
 * shown escaped. Line breaks and tabs stay.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u{${char.charCodeAt(0).toString(16)}}`);
}

/** One line on stderr: what went wrong but did not stop the command. */
export function warn(message: string): void {
  process.stderr.write(printable(`code-memory: warning: ${message}\n`));
}

export function print(text: string): void {
  process.stdout.write(printable(text));
}
