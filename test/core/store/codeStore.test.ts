import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CodeStore, emptyEffects, type FileUpdate } from '../../../src/core/store/codeStore';
import { openDatabase } from '../../../src/core/store/database';
import { tempDir } from '../../helpers';

function update(name: string): FileUpdate {
  return {
    path: 'a.py', hash: name, size: 10, mtimeMs: Date.now() - 3_600_000, language: 'python',
    extraction: {
      imports: [], hasErrors: false,
      entities: [{ kind: 'function', name, qualifiedName: name, signature: `def ${name}():`, doc: '', startLine: 1,
        endLine: 2, parent: -1, calls: [], contentHash: name }],
      units: [{ kind: 'entity', startLine: 1, endLine: 2, entity: 0, contentHash: name }],
    },
    searchTexts: [{ name, scope: '', body: '' }],
  };
}

test('store: a long run does not overwrite a file written after it read that file', () => {
  const store = new CodeStore(openDatabase(path.join(tempDir(), 'index.db')));
  const runReadAt = Date.now() - 1000;
  store.transaction(() => store.writeFile(update('newer'), emptyEffects()));
  const written = store.transaction(() => store.writeFile(update('older'), emptyEffects(), runReadAt));
  assert.equal(written, false);
  const names = store.db.prepare('SELECT name FROM entities').all();
  assert.deepEqual(names, [{ name: 'newer' }]);
  store.db.close();
});
