-- A revert stopped by a fault (not by a silo stopping or the database being briefly away) is marked failed with the
-- error and announced, instead of being resumed again and again; asking for it again continues where it stopped.
alter table import_reverts drop constraint import_reverts_status_check;
alter table import_reverts add constraint import_reverts_status_check check (status in ('running', 'finished', 'failed'));
alter table import_reverts add column error text;
