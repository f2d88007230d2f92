import { DatabaseDamagedError, isDamage } from '../core/store/database';
import { UsageError } from './args';
import { INDEX_USAGE, runIndex, runStats } from './indexCommands';
import { MCP_USAGE, runMcp } from './mcpServer';
import { MEMORIES_USAGE, runCleanup, runExport, runImport, runMemories } from './memoriesCommand';
import { MEMORY_USAGE, runAddDoc, runImportMemories, runRememberDebug } from './memoryCommands';
import { MODEL_HELP } from './modelOptions';
import { PROFILE_USAGE, runProfile } from './profileCommand';
import { runSearch, SEARCH_USAGE } from './searchCommand';
import { printable } from './output';

const USAGE = `Usage:
  ${INDEX_USAGE}
  ${SEARCH_USAGE}
  ${MEMORY_USAGE}
  ${MEMORIES_USAGE}
  ${PROFILE_USAGE}
  ${MCP_USAGE}

The index lives in a per-user cache folder keyed by the workspace path unless --db is given.
SIZE takes a unit: 500KB, 2MB (default 1MB). Globs match at any depth: --exclude '*/tests/*'.
search fills a CodeContext: --file is the file being worked on, --error the error text, --accessed files
recently opened; it lists the best --limit (10) memories with their score parts and reasons.

${MODEL_HELP}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'index':
      return runIndex(rest);
    case 'search':
      return runSearch(rest);
    case 'stats':
      return runStats(rest);
    case 'remember-debug':
      return runRememberDebug(rest);
    case 'add-doc':
      return runAddDoc(rest);
    case 'import-memories':
      return runImportMemories(rest);
    case 'memories':
      return runMemories(rest[0], rest.slice(1));
    case 'export':
      return runExport(rest);
    case 'import':
      return runImport(rest);
    case 'cleanup':
      return runCleanup(rest);
    case 'profile':
      return runProfile(rest[0], rest.slice(1));
    case 'mcp':
      return runMcp(rest);
    case undefined:
      process.stderr.write(`${USAGE}\n`);
      return 2;
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** One line; a damaged index comes with what to do about it. */
function describe(error: Error): string {
  const recovery = (file: string) => `move it aside (mv ${file} ${file}.damaged), run \`code-memory index\` to build it ` +
    `again, and \`code-memory import-memories ${file}.memories.json\` to bring back the memories`;
  if (error instanceof DatabaseDamagedError) return `${error.message}: ${recovery(error.file)}`;
  if (isDamage(error)) return `the index is damaged (${error.message}): ${recovery('INDEX')}`;
  return error.message;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    const usage = error instanceof UsageError;
    process.stderr.write(printable(`code-memory: ${describe(error)}${usage ? ` (see code-memory --help)` : ''}\n`));
    if (process.env.CODE_MEMORY_DEBUG) process.stderr.write(`${error.stack}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
