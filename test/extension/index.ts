// Mocha entry for the extension host (extensionTestsPath = out/test/extension/index.js). Loads the compiled specs
// next to this file: CODE_MEMORY_TEST_SUITE=untrusted runs only *.untrusted.spec.js (Restricted Mode launch),
// multiroot only *.multiroot.spec.js, nodriver only *.nodriver.spec.js, agent only *.agent.spec.js, and trusted (the default) every other *.spec.js. CODE_MEMORY_TEST_GREP narrows by test title;
// CODE_MEMORY_TEST_EXCLUDE (comma-separated file names) leaves specs out.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { SUITE_FINISHED, SUITE_STARTED, TEST_FAILED, TEST_RETRIED } from './runner/protocol';

/** Launches other than the trusted one run only the specs named after them (`*.<suite>.spec.js`). */
const OTHER_SUITES = ['untrusted', 'multiroot', 'nodriver', 'agent'];

export function specFiles(suite: string, dir: string = __dirname): string[] {
  const suiteOf = (file: string) => OTHER_SUITES.find((name) => file.endsWith(`.${name}.spec.js`)) ?? 'trusted';
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.spec.js'))
    .filter((file) => suiteOf(file) === suite)
    .sort()
    .map((file) => path.join(dir, file));
}

export function run(): Promise<void> {
  const suite = process.env.CODE_MEMORY_TEST_SUITE || 'trusted';
  // One more try: a real workbench on a loaded 2-core machine sometimes misses its own deadlines (VS Code aborts a
  // save whose participants take over 1.75 s). A retried test is reported at the end of the run, never hidden.
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec', retries: 1 });
  if (process.env.CODE_MEMORY_TEST_GREP) mocha.grep(process.env.CODE_MEMORY_TEST_GREP);
  const excluded = new Set((process.env.CODE_MEMORY_TEST_EXCLUDE ?? '').split(',').filter(Boolean));
  const files = specFiles(suite).filter((file) => !excluded.has(path.basename(file)));
  console.log(`${SUITE_STARTED} "${suite}": ${files.map((file) => path.basename(file)).join(', ') || 'no spec files'}`);
  if (files.length === 0) return Promise.reject(new Error(`no spec files for suite "${suite}" in ${__dirname}`));
  for (const file of files) mocha.addFile(file);
  const failed: string[] = [];
  const retried: string[] = [];
  const summary = (test: Mocha.Runnable, error: unknown) =>
    `${test.fullTitle()}: ${String((error as Error)?.message ?? error).split('\n')[0].slice(0, 300)}`;
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        for (const line of retried) console.log(`${TEST_RETRIED} ${line}`);
        for (const line of failed) console.log(`${TEST_FAILED} ${line}`);
        // The harness passes a launch only after this line (see runner/protocol.ts).
        console.log(`${SUITE_FINISHED} ${failures} failing`);
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
      // The end of a CI log is often all one gets to see: the harness repeats these lines there.
      runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error) => failed.push(summary(test, error)));
      runner.on(Mocha.Runner.constants.EVENT_TEST_RETRY, (test, error) => retried.push(summary(test, error)));
    } catch (error) {
      console.error(error);
      reject(error);
    }
  });
}
