-- A tag row carries its prompt's sort keys and filter columns, so that a
-- tagged list page is one index range: walk the tag's entries in the sort
-- order, check status and visibility inside the index, stop after a page.
-- Before this, a tagged page walked the whole workspace's sort index and
-- probed each entry against the tag's prompt ids.
--
-- The columns are copies of the prompt row's. The store writes them in the
-- transaction that writes the prompt: writeTags copies them from the prompt
-- row on create, import, fork and every save (edit, publish, archive,
-- unarchive, restore), and syncTags on trash and restore from the trash.
-- Purges delete the tag rows by cascade. The defaults only serve this
-- migration's backfill below.
ALTER TABLE prompt_tags ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
ALTER TABLE prompt_tags ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE prompt_tags ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private';
ALTER TABLE prompt_tags ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE prompt_tags ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE prompt_tags ADD COLUMN deleted_at BIGINT;

UPDATE prompt_tags SET title_key = p.title_key, status = p.status, visibility = p.visibility,
    created_at = p.created_at, updated_at = p.updated_at, deleted_at = p.deleted_at
FROM prompts p WHERE p.id = prompt_tags.prompt_id;

-- One index per sort order, each covering the filters; (workspace_id, tag)
-- leads all three, so the old (workspace_id, tag, prompt_id) index goes.
DROP INDEX prompt_tags_ws_tag;
CREATE INDEX prompt_tags_ws_tag_updated ON prompt_tags (workspace_id, tag, deleted_at, updated_at, prompt_id, status, visibility);
CREATE INDEX prompt_tags_ws_tag_created ON prompt_tags (workspace_id, tag, deleted_at, created_at, prompt_id, status, visibility);
CREATE INDEX prompt_tags_ws_tag_title ON prompt_tags (workspace_id, tag, deleted_at, title_key, prompt_id, status, visibility);
