-- Prompts on Postgres: the same tables as on SQLite, with a generated
-- tsvector and GIN index for search instead of FTS5, and a trigger function
-- that keeps versions immutable.
CREATE TABLE prompts (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    owner_id          TEXT NOT NULL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    prompt_text       TEXT NOT NULL,
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
    search            TSVECTOR GENERATED ALWAYS AS (
        to_tsvector('simple', title || ' ' || description || ' ' || left(prompt_text, 200000) || ' ' || tags)
    ) STORED
);

CREATE INDEX prompts_ws_updated ON prompts (workspace_id, deleted_at, updated_at);
CREATE INDEX prompts_ws_created ON prompts (workspace_id, deleted_at, created_at);
CREATE INDEX prompts_ws_title ON prompts (workspace_id, deleted_at, lower(title));
CREATE INDEX prompts_owner ON prompts (owner_id, deleted_at);
CREATE INDEX prompts_deleted ON prompts (deleted_at);
CREATE INDEX prompts_search ON prompts USING GIN (search);

CREATE TABLE prompt_tags (
    prompt_id    TEXT NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    tag          TEXT NOT NULL,
    PRIMARY KEY (prompt_id, tag)
);

CREATE INDEX prompt_tags_ws_tag ON prompt_tags (workspace_id, tag);

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
