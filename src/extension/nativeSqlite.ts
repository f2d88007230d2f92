import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * better-sqlite3's addon for the Node that runs this extension host. VS Code's hosts (Electron, or the Node of
 * a server such as code-server) rarely share the ABI of the Node that built node_modules, so a package carries
 * builds under dist/native/<platform>-<arch>-abi<N>/ (see scripts/native.js). Undefined: none fits, and the
 * default lookup is left to report the mismatch.
 */
export function nativeSqliteBinding(extensionPath: string): string | undefined {
  const key = `${process.platform}-${process.arch}-abi${process.versions.modules}`;
  const candidates = [
    path.join(extensionPath, 'dist', 'native', key, 'better_sqlite3.node'),
    // A development checkout whose node_modules was built by the host's own Node.
    path.join(extensionPath, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
  ];
  return candidates.find((file) => fs.existsSync(file));
}
