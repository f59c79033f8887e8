-- The import's "reviewed" stage (uploaded → mapped → reviewed → running → finished/failed): when the confirmed mapping
-- was last reviewed (a dry run). A new mapping or a new analysis clears it; a review of a mapping replaced meanwhile
-- does not set it. Reviewing stays optional: an import runs from "mapped" or "reviewed".
alter table imports add column reviewed_at timestamptz;
