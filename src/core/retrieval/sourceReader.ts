import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Lines of workspace files, for one retrieval: each file is read once, and only the lines asked for are
 * decoded (a hit in a 1 MB file must not cost splitting the whole file into strings).
 */
export class SourceReader {
  private readonly files = new Map<string, { bytes: Buffer; starts: number[] } | undefined>();

  constructor(private readonly root: string | undefined) {}

  /** Lines `start`–`end` (1-based, inclusive, cut at the file's end); undefined when the file cannot be read. */
  lines(file: string, start: number, end: number): string | undefined {
    const source = this.read(file);
    if (!source) return undefined;
    const { bytes, starts } = source;
    // Line starts are found as far as needed: the byte after each newline.
    while (starts.length <= end && starts[starts.length - 1] <= bytes.length) {
      const newline = bytes.indexOf(10, starts[starts.length - 1]);
      starts.push(newline === -1 ? bytes.length + 1 : newline + 1);
    }
    const from = starts[Math.min(start - 1, starts.length - 1)];
    const to = Math.min(bytes.length, starts[Math.min(end, starts.length - 1)] - 1);
    return from > to ? '' : bytes.toString('utf8', from, to);
  }

  private read(file: string) {
    if (!this.files.has(file)) {
      let entry: { bytes: Buffer; starts: number[] } | undefined;
      try {
        if (this.root) entry = { bytes: fs.readFileSync(path.join(this.root, file)), starts: [0] };
      } catch {
        // Moved since it was indexed: the caller falls back to what the index knows.
      }
      this.files.set(file, entry);
    }
    return this.files.get(file);
  }
}
