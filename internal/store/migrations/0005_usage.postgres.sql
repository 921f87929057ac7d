-- Postgres version of 0005_usage.sql: the same tables, without SQLite's
-- WITHOUT ROWID.
--
-- Usage rollups: what finished executions did, summed per time bucket, so
-- dashboards read buckets, not executions. They are the usage ledger: left
-- alone when an execution is deleted from the history.
--
-- Two levels of detail, each in hour and day buckets (grain_hours 1 or 24;
-- bucket is the start in ms since the epoch, UTC):
--   level 0: per prompt, prompt version (0 is the draft), model and key;
--   level 1: per model and key only (prompt_id '' and prompt_version 0),
--            which is all a workspace-wide view without a prompt needs;
--   level 2: per prompt and version only (model, provider and
--            credential_id ''), counters without histograms: the narrow
--            rows of a breakdown by prompt.
-- credential_id is '' for runs without a key.
--
-- Finishing an execution adds it to its level-0 hour row, in the same
-- transaction. The other rows are derived from level-0 hour rows by the
-- roller once every execution of an hour has finished; usage_watermarks
-- says up to where, and reads use level-0 hour rows beyond it.
--
-- latency_sketch and ttft_sketch are mergeable histograms (internal/sketch):
-- each finish appends one bucket with string concatenation; now and then
-- (one finish in 32) the writer rewrites them compactly. sketch_pending
-- counts the values appended since.
CREATE TABLE usage_rollups (
    workspace_id          TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    level                 SMALLINT NOT NULL CHECK (level IN (0, 1, 2)),
    grain_hours           SMALLINT NOT NULL CHECK (grain_hours IN (1, 24)),
    bucket                BIGINT NOT NULL,
    prompt_id             TEXT NOT NULL,
    prompt_version        INTEGER NOT NULL,
    model                 TEXT NOT NULL,
    provider              TEXT NOT NULL,
    credential_id         TEXT NOT NULL,
    executions            BIGINT NOT NULL,
    succeeded             BIGINT NOT NULL,
    failed                BIGINT NOT NULL,
    cancelled             BIGINT NOT NULL,
    timed_out             BIGINT NOT NULL,
    input_tokens          BIGINT NOT NULL,
    output_tokens         BIGINT NOT NULL,
    cached_input_tokens   BIGINT NOT NULL,
    cache_creation_tokens BIGINT NOT NULL,
    reasoning_tokens      BIGINT NOT NULL,
    cost_micros           BIGINT NOT NULL,
    latency_count         BIGINT NOT NULL,
    latency_sum_ms        BIGINT NOT NULL,
    ttft_count            BIGINT NOT NULL,
    ttft_sum_ms           BIGINT NOT NULL,
    latency_sketch        TEXT NOT NULL,
    ttft_sketch           TEXT NOT NULL,
    sketch_pending        INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, level, grain_hours, bucket, prompt_id, prompt_version, model, credential_id)
);

-- One prompt's days (its page, a dashboard filtered by prompt). Day rows
-- are written by the roller (and the odd straggler), so a normal finish
-- never updates this index.
CREATE INDEX usage_rollups_prompt_days ON usage_rollups (workspace_id, prompt_id, level, bucket) WHERE grain_hours = 24;

-- Every hour before rolled_until (ms) is rolled up: its derived rows exist.
CREATE TABLE usage_watermarks (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    rolled_until BIGINT NOT NULL
);

-- Why runs did not succeed: the executions' error codes, counted per bucket
-- with the same grains and keys as usage_rollups, at levels 0 and 1.
CREATE TABLE usage_errors (
    workspace_id   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    level          SMALLINT NOT NULL CHECK (level IN (0, 1)),
    grain_hours    SMALLINT NOT NULL CHECK (grain_hours IN (1, 24)),
    bucket         BIGINT NOT NULL,
    prompt_id      TEXT NOT NULL,
    prompt_version INTEGER NOT NULL,
    model          TEXT NOT NULL,
    credential_id  TEXT NOT NULL,
    error_code     TEXT NOT NULL,
    executions     BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, level, grain_hours, bucket, prompt_id, prompt_version, model, credential_id, error_code)
);

