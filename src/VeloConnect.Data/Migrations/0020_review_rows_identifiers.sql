-- Issue 14: an edit re-reviews only the rows it can affect (ImportReviewUpdate). Each review row keeps the normalised
-- identifiers it takes part in the in-file duplicates and the matching with ('p:+34…', 'e:ann@…'; empty for an invalid or
-- dropped row) and who dropped it, so the rows sharing an identifier with an edited row are found by the GIN index;
-- original_cells: the row as uploaded when an edit changed it (null: cells is the row as uploaded), so an edited row is
-- re-read by replaying the edits over it without reading the file again.
alter table import_review_rows
    add column identifiers text[] not null default '{}',
    add column dropped_by text,
    add column original_cells text[];

create index import_review_rows_identifiers on import_review_rows using gin (identifiers);

-- Two editors (issue 14): an undo takes a number from the edits' own sequence, so "the last change a client saw" is one
-- number (the greatest seq or undone_seq of the import) and a client can send it back as expectedSeq.
alter table import_edits
    add column undone_seq bigint,
    add column undone_by text;
