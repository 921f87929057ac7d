-- Background jobs that failed for good: kept with their payload, error
-- history and request id so a workspace's admins can inspect, requeue or
-- discard them. River's own tables (river_job, …) come from River's
-- migrations, applied after these.
CREATE TABLE dead_letters (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    job_id       BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    errors       TEXT NOT NULL DEFAULT '[]',
    attempts     INTEGER NOT NULL,
    request_id   TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'requeued', 'discarded')),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE INDEX dead_letters_ws_created ON dead_letters (workspace_id, created_at, id);
CREATE UNIQUE INDEX dead_letters_job ON dead_letters (job_id, created_at);
