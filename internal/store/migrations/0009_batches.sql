-- Batch runs: one prompt over many rows of variables on one or more
-- models. Each row × model is an item run as its own execution; the
-- batch's counters change only in the transaction that records an item's
-- outcome (or cancels pending items), so progress is exact.
CREATE TABLE batches (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    prompt_id      TEXT NOT NULL,
    prompt_version INTEGER,
    models         TEXT NOT NULL DEFAULT '[]',
    credentials    TEXT NOT NULL DEFAULT '{}',
    variable_names TEXT NOT NULL DEFAULT '[]',
    params         TEXT NOT NULL DEFAULT '{}',
    status         TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed',
                                                   'completed_with_failures', 'cancelled')),
    rows_count     INTEGER NOT NULL,
    total          INTEGER NOT NULL,
    succeeded      INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    cancelled      INTEGER NOT NULL DEFAULT 0,
    input_tokens   BIGINT NOT NULL DEFAULT 0,
    output_tokens  BIGINT NOT NULL DEFAULT 0,
    cost_micros    BIGINT NOT NULL DEFAULT 0,
    created_by     TEXT NOT NULL,
    request_id     TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    started_at     BIGINT,
    finished_at    BIGINT
);

CREATE INDEX batches_ws_created ON batches (workspace_id, created_at, id);

CREATE TABLE batch_items (
    id            TEXT PRIMARY KEY,
    batch_id      TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    workspace_id  TEXT NOT NULL,
    row_no        INTEGER NOT NULL,
    model         TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    variables     TEXT NOT NULL DEFAULT '{}',
    status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    execution_id  TEXT,
    lease_until   BIGINT,
    finished_at   BIGINT
);

CREATE UNIQUE INDEX batch_items_row ON batch_items (batch_id, row_no, model);
CREATE INDEX batch_items_batch_status ON batch_items (batch_id, status);
-- Counting the items in flight per workspace and per key.
CREATE INDEX batch_items_ws_status ON batch_items (workspace_id, status, credential_id);

-- One row per workspace that has run a batch item: claiming a slot locks
-- it, so processes sharing a Postgres database count in-flight items one
-- at a time (SQLite serializes every write anyway).
CREATE TABLE batch_slots (
    workspace_id TEXT PRIMARY KEY,
    touched_at   BIGINT NOT NULL
);
