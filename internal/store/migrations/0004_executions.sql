-- Every run of a prompt: what was asked, of which model with which key,
-- what came back, and what it cost (micro-dollars; never floats).
CREATE TABLE executions (
    id                    TEXT PRIMARY KEY,
    workspace_id          TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id               TEXT NOT NULL,
    prompt_id             TEXT NOT NULL,
    prompt_version        INTEGER,
    model                 TEXT NOT NULL,
    provider              TEXT NOT NULL,
    credential_id         TEXT,
    variables             TEXT NOT NULL DEFAULT '{}',
    params                TEXT NOT NULL DEFAULT '{}',
    status                TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'timed_out')),
    error_code            TEXT,
    error_message         TEXT,
    attempts              INTEGER NOT NULL DEFAULT 0,
    ttft_ms               BIGINT,
    latency_ms            BIGINT,
    input_tokens          BIGINT NOT NULL DEFAULT 0,
    output_tokens         BIGINT NOT NULL DEFAULT 0,
    cached_input_tokens   BIGINT NOT NULL DEFAULT 0,
    cache_creation_tokens BIGINT NOT NULL DEFAULT 0,
    reasoning_tokens      BIGINT NOT NULL DEFAULT 0,
    cost_micros           BIGINT NOT NULL DEFAULT 0,
    response_text         TEXT NOT NULL DEFAULT '',
    request_id            TEXT NOT NULL DEFAULT '',
    created_at            BIGINT NOT NULL,
    finished_at           BIGINT
);

CREATE INDEX executions_ws_created ON executions (workspace_id, created_at, id);
CREATE INDEX executions_prompt_created ON executions (prompt_id, created_at, id);
