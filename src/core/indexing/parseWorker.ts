import { parentPort, workerData } from 'node:worker_threads';
import { processFile } from './fileProcessor';
import { languageById } from './languages';
import { SourceParser, wasmHeapBytes } from './parser';
import type { ParseRequest, ParseResponse, WorkerSetup } from './workerPool';

/** One parse worker: a parser of its own with every grammar the run needs loaded up front. */
const parserReady = (async () => {
  const parser = await SourceParser.create();
  for (const id of (workerData as WorkerSetup).languages) await parser.load(languageById(id));
  return parser;
})();

/**
 * Requests are handled one after another, each answered before the next starts. Handled concurrently, a queue
 * that arrived while grammars loaded would be parsed in full before the first answer: interleaved at every
 * `await`, every file's parse comes before any file's reply.
 */
let previous: Promise<unknown> = parserReady;
parentPort!.on('message', (request: ParseRequest) => {
  previous = previous.then(() => answer(request), () => answer(request));
});

async function answer(request: ParseRequest): Promise<void> {
  let response: ParseResponse;
  try {
    const parser = await parserReady;
    const outcome = await processFile(parser, request.absolutePath, languageById(request.language),
      request.maxFileBytes, request.maxUnitLines, request.knownHash);
    response = { id: request.id, outcome, wasmHeapBytes: wasmHeapBytes() };
  } catch (error) {
    response = {
      id: request.id,
      outcome: { status: 'failed', reason: 'parse-failed', detail: (error as Error).message },
      wasmHeapBytes: wasmHeapBytes(),
    };
  }
  parentPort!.postMessage(response);
}
