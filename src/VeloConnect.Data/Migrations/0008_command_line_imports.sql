-- Imports run by the command-line importer: the wizard's upload of the file's head (analysis, mapping, remembered
-- mapping), then rows sent through the bulk endpoint. Such an import has no job: nothing resumes it on the server,
-- the importer resumes it from its side; the file stored is only the head it uploaded.
alter table imports add column kind text not null default 'wizard' check (kind in ('wizard', 'command_line'));
drop index imports_running;
create index imports_running on imports (heartbeat_at) where status = 'running' and kind = 'wizard';
