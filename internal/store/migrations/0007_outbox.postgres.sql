-- The transactional outbox on Postgres: the same table as on SQLite with an
-- identity column for seq, never reused after old rows are deleted.
-- Identity values are taken at insert and transactions may commit out of
-- that order; the relay reads every undelivered row rather than a cursor, so
-- a late commit is still published, and events of one aggregate keep their
-- order because each is emitted after the write that locks the aggregate's
-- row. No foreign keys: an event outlives what it describes.
CREATE TABLE outbox (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    type           TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    aggregate_id   TEXT NOT NULL,
    workspace_id   TEXT NOT NULL DEFAULT '',
    actor          TEXT NOT NULL DEFAULT '',
    request_id     TEXT NOT NULL DEFAULT '',
    occurred_at    BIGINT NOT NULL,
    payload        TEXT NOT NULL,
    topic          TEXT NOT NULL CHECK (topic IN ('events', 'dlq')),
    delivered_at   BIGINT,
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT
);

-- The relay's two questions, each answered from a small partial index:
-- what is undelivered, in seq order, and what was delivered before the
-- retention cut-off.
CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered_at IS NULL;
CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;
