import { parentPort } from 'node:worker_threads';
import { processFile } from './fileProcessor';
import { languageById } from './languages';
import { SourceParser } from './parser';
import type { ParseRequest, ParseResponse } from './workerPool';

/** One parse worker: a parser of its own, grammars loaded as files ask for them. */
const parserReady = SourceParser.create();

parentPort!.on('message', async (request: ParseRequest) => {
  let response: ParseResponse;
  try {
    const parser = await parserReady;
    const outcome = await processFile(parser, request.absolutePath, languageById(request.language),
      request.maxFileBytes, request.knownHash);
    response = { id: request.id, outcome };
  } catch (error) {
    response = { id: request.id, outcome: { status: 'skipped', reason: 'parse-failed', detail: (error as Error).message } };
  }
  parentPort!.postMessage(response);
});
