-- Prompts: the row is the working draft; published content lives in
-- prompt_versions. The long text lives in prompt_texts so that prompt rows
-- stay narrow: lists, filters and counts read many rows and few texts.
-- rid aliases SQLite's rowid so the full-text index can point at rows that
-- never move.
CREATE TABLE prompts (
    rid               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    workspace_id      TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    owner_id          TEXT NOT NULL,
    title             TEXT NOT NULL,
    -- the title lower-cased by the application (Unicode-aware, the same on
    -- both databases): the sort key of A→Z lists
    title_key         TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    tags              TEXT NOT NULL DEFAULT '[]',
    model_whitelist   TEXT NOT NULL DEFAULT '[]',
    default_model     TEXT NOT NULL DEFAULT '',
    default_params    TEXT NOT NULL DEFAULT '{}',
    variables         TEXT NOT NULL DEFAULT '[]',
    status            TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    visibility        TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
    latest_version    INTEGER NOT NULL DEFAULT 0,
    published_version INTEGER,
    has_draft_changes BOOLEAN NOT NULL DEFAULT TRUE,
    created_by        TEXT NOT NULL,
    updated_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    deleted_at        BIGINT
);

-- List indexes cover every filter column, so a page is found without
-- reading the (wide) rows; only the 20 rows shown are read.
CREATE TABLE prompt_texts (
    prompt_id   TEXT PRIMARY KEY REFERENCES prompts (id) ON DELETE CASCADE,
    prompt_text TEXT NOT NULL
);

CREATE INDEX prompts_ws_updated ON prompts (workspace_id, deleted_at, updated_at, id, status, visibility);
CREATE INDEX prompts_ws_created ON prompts (workspace_id, deleted_at, created_at, id, status, visibility);
CREATE INDEX prompts_ws_title ON prompts (workspace_id, deleted_at, title_key, id, status, visibility);
CREATE INDEX prompts_ws_status ON prompts (workspace_id, deleted_at, status, updated_at, id, visibility);
CREATE INDEX prompts_owner ON prompts (owner_id, deleted_at);
CREATE INDEX prompts_deleted ON prompts (deleted_at);

CREATE TABLE prompt_tags (
    prompt_id    TEXT NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    tag          TEXT NOT NULL,
    PRIMARY KEY (prompt_id, tag)
);

CREATE INDEX prompt_tags_ws_tag ON prompt_tags (workspace_id, tag, prompt_id);

-- Versions are immutable: the trigger refuses every UPDATE.
CREATE TABLE prompt_versions (
    prompt_id       TEXT NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    prompt_text     TEXT NOT NULL,
    tags            TEXT NOT NULL,
    model_whitelist TEXT NOT NULL,
    default_model   TEXT NOT NULL,
    default_params  TEXT NOT NULL,
    variables       TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (prompt_id, version)
);

CREATE TRIGGER prompt_versions_immutable BEFORE UPDATE ON prompt_versions
BEGIN
    SELECT RAISE(ABORT, 'prompt versions are immutable');
END;

-- The per-user prompt count that quota checks update atomically.
CREATE TABLE prompt_quota (
    user_id TEXT PRIMARY KEY,
    used    INTEGER NOT NULL DEFAULT 0
);

-- Full-text search over title, description, text and tags. The index
-- keeps no copy of the text (contentless, deletable by rowid); triggers on
-- both tables keep it in step with each row. scope holds one token, 'live'
-- or 'trash' followed by the workspace id without dashes, so a search is
-- limited to one workspace's live prompts (and counted) inside the index.
CREATE VIRTUAL TABLE prompts_fts USING fts5 (
    title, description, prompt_text, tags, scope,
    content = '', contentless_delete = 1, detail = column,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER prompt_texts_fts_insert AFTER INSERT ON prompt_texts BEGIN
    INSERT INTO prompts_fts (rowid, title, description, prompt_text, tags, scope)
    SELECT p.rid, p.title, p.description, new.prompt_text, p.tags,
        CASE WHEN p.deleted_at IS NULL THEN 'live' ELSE 'trash' END || replace(p.workspace_id, '-', '')
    FROM prompts p WHERE p.id = new.prompt_id;
END;

CREATE TRIGGER prompt_texts_fts_update AFTER UPDATE OF prompt_text ON prompt_texts BEGIN
    DELETE FROM prompts_fts WHERE rowid = (SELECT rid FROM prompts WHERE id = new.prompt_id);
    INSERT INTO prompts_fts (rowid, title, description, prompt_text, tags, scope)
    SELECT p.rid, p.title, p.description, new.prompt_text, p.tags,
        CASE WHEN p.deleted_at IS NULL THEN 'live' ELSE 'trash' END || replace(p.workspace_id, '-', '')
    FROM prompts p WHERE p.id = new.prompt_id;
END;

CREATE TRIGGER prompts_fts_update AFTER UPDATE OF title, description, tags, deleted_at ON prompts BEGIN
    DELETE FROM prompts_fts WHERE rowid = new.rid;
    INSERT INTO prompts_fts (rowid, title, description, prompt_text, tags, scope)
    SELECT new.rid, new.title, new.description, t.prompt_text, new.tags,
        CASE WHEN new.deleted_at IS NULL THEN 'live' ELSE 'trash' END || replace(new.workspace_id, '-', '')
    FROM prompt_texts t WHERE t.prompt_id = new.id;
END;

CREATE TRIGGER prompts_fts_delete AFTER DELETE ON prompts BEGIN
    DELETE FROM prompts_fts WHERE rowid = old.rid;
END;

-- Bumped by every write to a workspace's prompts; list totals are cached
-- against it, so a cached count is never stale.
ALTER TABLE workspaces ADD COLUMN prompts_rev BIGINT NOT NULL DEFAULT 0;
