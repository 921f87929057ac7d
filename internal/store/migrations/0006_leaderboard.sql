-- The community leaderboard: per-prompt counters, votes, fork lineage and
-- the hourly scoring runs with their snapshots. One file for both databases.

-- Counters kept by the transactions that change them (a finished run, a
-- vote, a fork), so lists sort by usage and votes without aggregating
-- executions or votes at read time. Every prompt has a row (insertPrompt
-- adds it); workspace_id is the prompt's, so a workspace's prompts can be
-- walked in counter order.
CREATE TABLE prompt_stats (
    prompt_id        TEXT PRIMARY KEY REFERENCES prompts (id) ON DELETE CASCADE,
    workspace_id     TEXT NOT NULL,
    -- succeeded executions of the prompt, by anyone, ever
    executions       BIGINT NOT NULL DEFAULT 0,
    votes_up         BIGINT NOT NULL DEFAULT 0,
    votes_down       BIGINT NOT NULL DEFAULT 0,
    -- votes_up - votes_down, kept so that it can be indexed on both databases
    votes_net        BIGINT NOT NULL DEFAULT 0,
    forks            BIGINT NOT NULL DEFAULT 0,
    last_executed_at BIGINT
);

INSERT INTO prompt_stats (prompt_id, workspace_id, executions, last_executed_at)
SELECT p.id, p.workspace_id,
    (SELECT COUNT(*) FROM executions x WHERE x.prompt_id = p.id AND x.status = 'succeeded'),
    (SELECT MAX(x.created_at) FROM executions x WHERE x.prompt_id = p.id AND x.status = 'succeeded')
FROM prompts p;

CREATE INDEX prompt_stats_ws_executions ON prompt_stats (workspace_id, executions, prompt_id);
CREATE INDEX prompt_stats_ws_votes ON prompt_stats (workspace_id, votes_net, prompt_id);

-- One vote per user per prompt: +1 or -1. Retracting deletes the row.
CREATE TABLE votes (
    prompt_id  TEXT NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    value      INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (prompt_id, user_id)
);

CREATE INDEX votes_user ON votes (user_id, prompt_id);

-- Where a fork came from: the public prompt, the published version copied
-- and its author. No foreign key: the lineage stays true after the origin
-- is made private or purged.
ALTER TABLE prompts ADD COLUMN forked_from_prompt_id TEXT;
ALTER TABLE prompts ADD COLUMN forked_from_version INTEGER;
ALTER TABLE prompts ADD COLUMN forked_from_user_id TEXT;

-- One row per scoring run; computed_at is the clock of the run (the end of
-- its 24-hour window).
CREATE TABLE leaderboard_runs (
    id          TEXT PRIMARY KEY,
    computed_at BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    candidates  INTEGER NOT NULL,
    entries     INTEGER NOT NULL,
    max_e       BIGINT NOT NULL,
    max_v       BIGINT NOT NULL
);

CREATE INDEX leaderboard_runs_computed ON leaderboard_runs (computed_at, id);

-- The ranked top of each run, with every input and score, so ranks can be
-- compared run to run. activity holds the prompt's counted executions in
-- each of the window's 24 hours, oldest first (a JSON array).
CREATE TABLE leaderboard_snapshots (
    run_id    TEXT NOT NULL REFERENCES leaderboard_runs (id) ON DELETE CASCADE,
    prompt_id TEXT NOT NULL,
    rank      INTEGER NOT NULL,
    weighted  DOUBLE PRECISION NOT NULL,
    wilson    DOUBLE PRECISION NOT NULL,
    decay     DOUBLE PRECISION NOT NULL,
    final     DOUBLE PRECISION NOT NULL,
    e         BIGINT NOT NULL,
    v         BIGINT NOT NULL,
    up        BIGINT NOT NULL,
    down      BIGINT NOT NULL,
    activity  TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, prompt_id)
);

CREATE INDEX leaderboard_snapshots_prompt ON leaderboard_snapshots (prompt_id, run_id);

-- The scoring run reads only the last 24 hours of executions: this index
-- finds them by time and covers every column the count needs.
CREATE INDEX executions_created_prompt ON executions (created_at, prompt_id, user_id, status, prompt_version);
