-- The transactional outbox: every domain change writes its event here in
-- the change's own transaction; the relay publishes rows in seq order and
-- marks them delivered, and deletes delivered rows after the retention.
-- AUTOINCREMENT keeps seq from ever being reused after old rows are
-- deleted. No foreign keys: an event outlives what it describes.
CREATE TABLE outbox (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
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
