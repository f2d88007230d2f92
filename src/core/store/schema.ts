/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run. Never edit a
 * migration that has shipped: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: files, entities, calls, imports and the full-text index over entities.
  `
  CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,          -- relative to the workspace root, '/' separators
    hash TEXT NOT NULL,                 -- sha1 of the bytes
    size INTEGER NOT NULL,
    mtime_ms INTEGER NOT NULL,
    language TEXT NOT NULL,
    has_errors INTEGER NOT NULL DEFAULT 0,
    indexed_at INTEGER NOT NULL
  );
  CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES entities(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    qualified_name TEXT NOT NULL,
    signature TEXT NOT NULL,
    doc TEXT NOT NULL,
    start_line INTEGER NOT NULL,        -- 1-based, inclusive
    end_line INTEGER NOT NULL,
    content_hash TEXT NOT NULL
  );
  CREATE INDEX entities_file ON entities(file_id);
  CREATE INDEX entities_parent ON entities(parent_id);
  CREATE INDEX entities_name ON entities(name);
  CREATE TABLE calls (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    name TEXT NOT NULL,                 -- the called name as written (last identifier)
    target_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,
    PRIMARY KEY (entity_id, name)
  ) WITHOUT ROWID;
  CREATE INDEX calls_name ON calls(name);
  CREATE INDEX calls_target ON calls(target_id) WHERE target_id IS NOT NULL;
  CREATE TABLE imports (
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    module TEXT NOT NULL,               -- as written: './util', 'os.path', 'stdio.h'
    leaf TEXT NOT NULL,                 -- its last name ('util', 'path', 'stdio'): which new files could match
    target_file_id INTEGER REFERENCES files(id) ON DELETE SET NULL,
    PRIMARY KEY (file_id, module)
  ) WITHOUT ROWID;
  CREATE INDEX imports_target ON imports(target_file_id);
  CREATE INDEX imports_leaf ON imports(leaf);
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  -- Contentless: the text lives in entities; rowid = entities.id. Columns, in bm25 weight order:
  -- name words, enclosing names, path words, signature and doc words.
  CREATE VIRTUAL TABLE entities_fts USING fts5(
    name, scope, path, body,
    content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
  );
  `,
  // 2: memories other than code (documentation, debugging sessions, notes), searchable like code.
  `
  CREATE TABLE memories (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                 -- 'documentation' | 'debugging' | 'note'
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    file_path TEXT,                     -- related file, relative to the workspace, '/' separators
    metadata TEXT NOT NULL,             -- JSON object
    content_hash TEXT NOT NULL,         -- of kind, title, text and file: changes when the memory does
    created_at INTEGER NOT NULL,        -- ms since epoch
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX memories_file ON memories(file_path);
  -- rowid = memories.id. Columns, in bm25 weight order: title words, body words, related path words.
  CREATE VIRTUAL TABLE memories_fts USING fts5(
    title, body, path,
    content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
  );
  `,
  // 3: small-model scores, so an unchanged memory is not scored twice for the same context.
  `
  CREATE TABLE score_cache (
    context_hash TEXT NOT NULL,         -- normalized context and model (see retrieval/README.md)
    memory_hash TEXT NOT NULL,          -- of the text the model saw: an edit makes a new key
    score REAL NOT NULL,
    reasoning TEXT NOT NULL,
    created_at INTEGER NOT NULL,        -- ms since epoch
    PRIMARY KEY (context_hash, memory_hash)
  );
  `,
  // 4: units — every line of a file in retrievable pieces — replace entities as what search finds. Entities
  // stay for the call graph. The extractor version changes with this release, so the next index run parses
  // every file again and fills the units; memories are untouched; cached scores were keyed by entities.
  `
  DROP TABLE entities_fts;
  -- Which entities start within a unit's lines: by file and line.
  DROP INDEX entities_file;
  CREATE INDEX entities_file_line ON entities(file_id, start_line);
  CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    -- the entity the unit is ('entity') or is a part of ('part'); NULL for code outside entities ('module')
    entity_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    start_line INTEGER NOT NULL,        -- 1-based, inclusive
    end_line INTEGER NOT NULL,
    content_hash TEXT NOT NULL          -- of the unit's lines: an unchanged unit keeps its row when lines move
  );
  CREATE INDEX units_file ON units(file_id, start_line);
  CREATE INDEX units_entity ON units(entity_id) WHERE entity_id IS NOT NULL;
  -- Contentless: rowid = units.id. Columns: the unit's entity name, enclosing names, path words, every word of
  -- the code (see search/README.md for the weights).
  CREATE VIRTUAL TABLE units_fts USING fts5(
    name, scope, path, body,
    content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
  );
  DELETE FROM score_cache;
  `,
  // 5: memory ids are never handed out again once deleted (an old "Forget mem:3" button must not reach a newer
  // memory 3): AUTOINCREMENT, which SQLite can only add by rebuilding the table. Ids and FTS rows stay as they are.
  `
  CREATE TABLE memories_v5 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    file_path TEXT,
    metadata TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  INSERT INTO memories_v5 SELECT id, kind, title, text, file_path, metadata, content_hash, created_at, updated_at FROM memories;
  DROP TABLE memories;
  ALTER TABLE memories_v5 RENAME TO memories;
  CREATE INDEX memories_file ON memories(file_path);
  `,
  // 6: typed memories (see memories/model.ts): tags, citations of code, who wrote them, and how often retrieval
  // has put them in a prompt. A source recorded in the metadata becomes the source; a related file a citation.
  `
  ALTER TABLE memories ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';        -- JSON array of strings
  ALTER TABLE memories ADD COLUMN citations TEXT NOT NULL DEFAULT '[]';   -- JSON array of {file, startLine, endLine} | {entity, file}
  ALTER TABLE memories ADD COLUMN source TEXT NOT NULL DEFAULT 'user';    -- user | chat | agent | mcp:<client> | import | team
  ALTER TABLE memories ADD COLUMN last_used_at INTEGER;                   -- ms since epoch; NULL: never retrieved
  ALTER TABLE memories ADD COLUMN use_count INTEGER NOT NULL DEFAULT 0;
  UPDATE memories SET source = json_extract(metadata, '$.source')
    WHERE json_type(metadata, '$.source') = 'text' AND json_extract(metadata, '$.source') IN ('user', 'chat', 'agent', 'import');
  UPDATE memories SET citations = json_array(json_object('file', file_path)) WHERE file_path IS NOT NULL;
  CREATE INDEX memories_updated ON memories(updated_at);
  `,
  // 7: receipts — what each @memory answer and each search by an agent was given (receipts/receiptStore.ts). The
  // last 200 are kept; items are JSON so a receipt reads the same after the memories it names have changed.
  `
  CREATE TABLE receipts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,                  -- ms since epoch
    origin TEXT NOT NULL,                         -- chat | agent | mcp:<client>
    thread TEXT,                                  -- chat: the conversation the answer belongs to
    question TEXT NOT NULL,
    answer TEXT,                                  -- chat: the answer's text; searches: NULL
    used TEXT NOT NULL,                           -- JSON array of ReceiptItem: in the prompt, or the result
    left_out TEXT NOT NULL,                       -- JSON array of ReceiptItem: found, but beyond the token budget
    model TEXT,                                   -- what answered
    model_calls INTEGER NOT NULL DEFAULT 0,       -- scoring calls
    prompt_tokens INTEGER NOT NULL DEFAULT 0,     -- scoring prompts' tokens
    cache_hits INTEGER NOT NULL DEFAULT 0,
    retrieval_ms INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX receipts_created ON receipts(created_at);
  `,
  // 8: one row per day of what the workspace held (files, entities, units, memories), for the dashboard's history.
  `
  CREATE TABLE daily_stats (
    day TEXT PRIMARY KEY,                         -- YYYY-MM-DD, local time of the machine that wrote it
    files INTEGER NOT NULL,
    entities INTEGER NOT NULL,
    units INTEGER NOT NULL,
    memories INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 9: memories whose cited code changed or went away since they were written (memories/citations.ts).
  `
  ALTER TABLE memories ADD COLUMN stale_reason TEXT;                      -- NULL: not stale
  ALTER TABLE memories ADD COLUMN stale_since INTEGER;                    -- ms since epoch
  `,
];
