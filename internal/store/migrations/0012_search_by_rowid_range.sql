-- Full-text search, second shape (SQLite; Postgres searches its GIN-indexed
-- tsvector and needs nothing here).
--
-- 1. No scope token. Each index row used to carry a token naming its
--    workspace and live/trash state, and every search was ANDed with it:
--    for a workspace holding most of the index that meant walking a posting
--    list as long as the workspace, on every count. Instead the index rowid
--    now says where the prompt belongs:
--
--        rowid = fts_key << 33 | (1 << 32 if in the trash) | prompts.rid
--
--    so one workspace's live prompts are one rowid range, which FTS5 seeks
--    to directly, and a search's matches in it come newest-added first
--    (highest rid). fts_key numbers the workspaces; rid stays below 2^32.
--
-- 2. Prefix indexes. Searches match word prefixes, and without a prefix
--    index FTS5 answers "ka"* by merging the posting lists of every term
--    starting with "ka" into a new list on each query, even for a page of
--    20 (and again for the count): milliseconds for a common prefix, and
--    still for a long common word that few other terms extend. With prefix
--    indexes of 1 to 10 characters a prefix of up to 10 characters reads
--    one posting list, from the top of the rowid range down. Longer words
--    are merged as before. The price is paid on writes: the index is about
--    six times the size of one without prefixes, and indexing a prompt
--    costs about that much more (docs/performance.md, issue 3).
ALTER TABLE workspaces ADD COLUMN fts_key INTEGER;
UPDATE workspaces SET fts_key = (
    SELECT n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS n FROM workspaces) AS numbered
    WHERE numbered.id = workspaces.id);
CREATE UNIQUE INDEX workspaces_fts_key ON workspaces (fts_key);

CREATE TRIGGER workspaces_fts_key AFTER INSERT ON workspaces WHEN new.fts_key IS NULL BEGIN
    UPDATE workspaces SET fts_key = (SELECT COALESCE(MAX(fts_key), 0) + 1 FROM workspaces) WHERE id = new.id;
END;

-- A workspace's prompts are deleted (by this trigger, before the workspace
-- row goes) while their index rowids can still be computed; the cascade
-- would run after the workspace row and its fts_key were gone, leaving the
-- prompts in the index.
CREATE TRIGGER workspaces_delete_prompts BEFORE DELETE ON workspaces BEGIN
    DELETE FROM prompts WHERE workspace_id = old.id;
END;

DROP TRIGGER prompt_texts_fts_insert;
DROP TRIGGER prompt_texts_fts_update;
DROP TRIGGER prompts_fts_update;
DROP TRIGGER prompts_fts_delete;
DROP TABLE prompts_fts;

CREATE VIRTUAL TABLE prompts_fts USING fts5 (
    title, description, prompt_text, tags,
    content = '', contentless_delete = 1, detail = column, prefix = '1 2 3 4 5 6 7 8 9 10',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER prompt_texts_fts_insert AFTER INSERT ON prompt_texts BEGIN
    INSERT INTO prompts_fts (rowid, title, description, prompt_text, tags)
    SELECT w.fts_key << 33 | (CASE WHEN p.deleted_at IS NULL THEN 0 ELSE 1 << 32 END) | p.rid,
        p.title, p.description, new.prompt_text, p.tags
    FROM prompts p JOIN workspaces w ON w.id = p.workspace_id WHERE p.id = new.prompt_id;
END;

CREATE TRIGGER prompt_texts_fts_update AFTER UPDATE OF prompt_text ON prompt_texts BEGIN
    DELETE FROM prompts_fts WHERE rowid = (
        SELECT w.fts_key << 33 | (CASE WHEN p.deleted_at IS NULL THEN 0 ELSE 1 << 32 END) | p.rid
        FROM prompts p JOIN workspaces w ON w.id = p.workspace_id WHERE p.id = new.prompt_id);
    INSERT INTO prompts_fts (rowid, title, description, prompt_text, tags)
    SELECT w.fts_key << 33 | (CASE WHEN p.deleted_at IS NULL THEN 0 ELSE 1 << 32 END) | p.rid,
        p.title, p.description, new.prompt_text, p.tags
    FROM prompts p JOIN workspaces w ON w.id = p.workspace_id WHERE p.id = new.prompt_id;
END;

CREATE TRIGGER prompts_fts_update AFTER UPDATE OF title, description, tags, deleted_at ON prompts BEGIN
    DELETE FROM prompts_fts WHERE rowid = (
        SELECT w.fts_key << 33 | (CASE WHEN old.deleted_at IS NULL THEN 0 ELSE 1 << 32 END) | old.rid
        FROM workspaces w WHERE w.id = old.workspace_id);
    INSERT INTO prompts_fts (rowid, title, description, prompt_text, tags)
    SELECT w.fts_key << 33 | (CASE WHEN new.deleted_at IS NULL THEN 0 ELSE 1 << 32 END) | new.rid,
        new.title, new.description, t.prompt_text, new.tags
    FROM prompt_texts t JOIN workspaces w ON w.id = new.workspace_id WHERE t.prompt_id = new.id;
END;

CREATE TRIGGER prompts_fts_delete AFTER DELETE ON prompts BEGIN
    DELETE FROM prompts_fts WHERE rowid = (
        SELECT w.fts_key << 33 | (CASE WHEN old.deleted_at IS NULL THEN 0 ELSE 1 << 32 END) | old.rid
        FROM workspaces w WHERE w.id = old.workspace_id);
END;

INSERT INTO prompts_fts (rowid, title, description, prompt_text, tags)
SELECT w.fts_key << 33 | (CASE WHEN p.deleted_at IS NULL THEN 0 ELSE 1 << 32 END) | p.rid,
    p.title, p.description, t.prompt_text, p.tags
FROM prompts p JOIN prompt_texts t ON t.prompt_id = p.id JOIN workspaces w ON w.id = p.workspace_id;
