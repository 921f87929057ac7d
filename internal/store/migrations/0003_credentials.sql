-- Provider API keys a workspace brings. Only the sealed key is stored
-- (AES-256-GCM under the master keyring, bound to the row's id, workspace
-- and provider); the last four characters identify it in lists.
CREATE TABLE credentials (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    provider       TEXT NOT NULL,
    label          TEXT NOT NULL,
    base_url       TEXT NOT NULL DEFAULT '',
    key_sealed     TEXT NOT NULL,
    key_last4      TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT,
    verified_at    BIGINT,
    verify_status  TEXT,
    verify_message TEXT
);

CREATE INDEX credentials_ws ON credentials (workspace_id, created_at);
