-- Prompts on Postgres: the same tables as on SQLite, with a tsvector kept
-- by triggers and a GIN index for search instead of FTS5, and a trigger
-- function that keeps versions immutable.
CREATE TABLE prompts (
    id                TEXT PRIMARY KEY,
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
    deleted_at        BIGINT,
    search            TSVECTOR NOT NULL DEFAULT ''::tsvector
);

CREATE TABLE prompt_texts (
    prompt_id   TEXT PRIMARY KEY REFERENCES prompts (id) ON DELETE CASCADE,
    prompt_text TEXT NOT NULL
);

-- prompts.search covers title, description, tags and the text in
-- prompt_texts; these triggers recompute it when either side changes.
CREATE FUNCTION krowoc_prompt_search(title TEXT, description TEXT, prompt_text TEXT, tags TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_tsvector('simple', title || ' ' || description || ' ' || left(coalesce(prompt_text, ''), 200000) || ' ' || tags)
$$;

CREATE FUNCTION krowoc_prompts_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := krowoc_prompt_search(NEW.title, NEW.description,
        (SELECT prompt_text FROM prompt_texts WHERE prompt_id = NEW.id), NEW.tags);
    RETURN NEW;
END;
$$;

CREATE TRIGGER prompts_search BEFORE INSERT OR UPDATE OF title, description, tags ON prompts
    FOR EACH ROW EXECUTE FUNCTION krowoc_prompts_search_row();

CREATE FUNCTION krowoc_prompt_texts_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE prompts SET search = krowoc_prompt_search(title, description, NEW.prompt_text, tags) WHERE id = NEW.prompt_id;
    RETURN NEW;
END;
$$;

CREATE TRIGGER prompt_texts_search AFTER INSERT OR UPDATE OF prompt_text ON prompt_texts
    FOR EACH ROW EXECUTE FUNCTION krowoc_prompt_texts_search();

-- List indexes cover every filter column, so a page is found without
-- reading the (wide) rows; only the 20 rows shown are read.
CREATE INDEX prompts_ws_updated ON prompts (workspace_id, deleted_at, updated_at, id, status, visibility);
CREATE INDEX prompts_ws_created ON prompts (workspace_id, deleted_at, created_at, id, status, visibility);
CREATE INDEX prompts_ws_title ON prompts (workspace_id, deleted_at, title_key, id, status, visibility);
CREATE INDEX prompts_ws_status ON prompts (workspace_id, deleted_at, status, updated_at, id, visibility);
CREATE INDEX prompts_owner ON prompts (owner_id, deleted_at);
CREATE INDEX prompts_deleted ON prompts (deleted_at);
CREATE INDEX prompts_search ON prompts USING GIN (search);

CREATE TABLE prompt_tags (
    prompt_id    TEXT NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    tag          TEXT NOT NULL,
    PRIMARY KEY (prompt_id, tag)
);

CREATE INDEX prompt_tags_ws_tag ON prompt_tags (workspace_id, tag, prompt_id);

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

CREATE FUNCTION krowoc_refuse_version_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'prompt versions are immutable';
END;
$$;

CREATE TRIGGER prompt_versions_immutable BEFORE UPDATE ON prompt_versions
    FOR EACH ROW EXECUTE FUNCTION krowoc_refuse_version_update();

CREATE TABLE prompt_quota (
    user_id TEXT PRIMARY KEY,
    used    INTEGER NOT NULL DEFAULT 0
);

-- Bumped by every write to a workspace's prompts; list totals are cached
-- against it, so a cached count is never stale.
ALTER TABLE workspaces ADD COLUMN prompts_rev BIGINT NOT NULL DEFAULT 0;
