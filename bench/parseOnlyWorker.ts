import { parentPort, workerData } from 'node:worker_threads';
import { languageById } from '../src/core/indexing/languages';
import { SourceParser } from '../src/core/indexing/parser';
import type { LanguageId } from '../src/core/types';

/** Benchmark helper: parses (nothing else) the files it is given, to measure the machine's parallel ceiling. */
const { files } = workerData as { files: { text: string; language: LanguageId }[] };
(async () => {
  const parser = await SourceParser.create();
  for (const id of new Set(files.map((f) => f.language))) await parser.load(languageById(id));
  parentPort!.postMessage('ready');
  parentPort!.once('message', async () => {
    for (const file of files) await parser.parseOnly(file.text, languageById(file.language));
    parentPort!.postMessage('done');
  });
})();
