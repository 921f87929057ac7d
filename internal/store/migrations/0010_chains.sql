-- Chains: ordered steps, each a prompt (a pinned version, or null for the
-- published version at run time) on a model, whose variables are bound to
-- the chain's inputs, earlier steps' outputs or literal text. Inputs and
-- steps are JSON documents: they are always read and written whole.
CREATE TABLE chains (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    inputs       TEXT NOT NULL DEFAULT '[]',
    steps        TEXT NOT NULL DEFAULT '[]',
    created_by   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE INDEX chains_ws_updated ON chains (workspace_id, updated_at, id);

-- One run of a chain. Its steps are copied from the chain when the run
-- starts, with each version resolved, so editing the chain never changes a
-- run under way.
CREATE TABLE chain_runs (
    id            TEXT PRIMARY KEY,
    chain_id      TEXT NOT NULL REFERENCES chains (id) ON DELETE CASCADE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    inputs        TEXT NOT NULL DEFAULT '{}',
    current_step  INTEGER NOT NULL DEFAULT 1,
    step_count    INTEGER NOT NULL,
    error_step    INTEGER,
    error_code    TEXT,
    error_message TEXT,
    created_by    TEXT NOT NULL,
    request_id    TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    finished_at   BIGINT
);

CREATE INDEX chain_runs_chain_created ON chain_runs (chain_id, created_at, id);

-- The steps of a run, numbered from 1, each with the execution that ran it.
CREATE TABLE chain_run_steps (
    run_id         TEXT NOT NULL REFERENCES chain_runs (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    prompt_id      TEXT NOT NULL,
    prompt_version INTEGER,
    model          TEXT NOT NULL,
    bindings       TEXT NOT NULL DEFAULT '{}',
    status         TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    execution_id   TEXT,
    output         TEXT,
    error_code     TEXT,
    error_message  TEXT,
    started_at     BIGINT,
    finished_at    BIGINT,
    PRIMARY KEY (run_id, position)
);
