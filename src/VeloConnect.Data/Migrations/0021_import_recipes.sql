-- Recipes (issue 14): the column-level fixes of an import (replace, trim, prefix, set, each with the filter of the rows it
-- applies to, judged again on each new file), kept per workspace with the remembered mapping's header set, so the next
-- file with the same headers is offered them. One recipe per header set; its name is unique in the workspace (velo
-- --recipe <name>). The steps are JSON (RecipeStep: kind, header, value/find/replace/prefix, rows filter), in order.
create table import_recipes (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    header_set_key text not null,
    name text not null,
    headers text[] not null,           -- the header set as the import that saved it read it (shown, and to apply a named recipe)
    steps jsonb not null,
    source_import_id uuid,             -- the import it was saved from (no reference: imports are deleted by their purge)
    saved_by text not null,
    saved_at timestamptz not null default now(),
    primary key (workspace_id, header_set_key),
    unique (workspace_id, name)
);
