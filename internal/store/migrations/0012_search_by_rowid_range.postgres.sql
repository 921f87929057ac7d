-- Nothing to do on Postgres: 0012 reshapes SQLite's full-text index, and
-- Postgres searches the GIN-indexed tsvector of 0002.
SELECT 1;
