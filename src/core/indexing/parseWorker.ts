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

parentPort!.on('message', async (request: ParseRequest) => {
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
});
