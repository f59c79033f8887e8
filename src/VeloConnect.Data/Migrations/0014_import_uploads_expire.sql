-- Uploads that are never run expire: the supervisor deletes them (and their stored files, by cascade) by their age.
create index imports_uploaded on imports (created_at) where status = 'uploaded';
