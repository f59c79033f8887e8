-- Roles and key management (issue 15). A key has a role: 'admin' (everything, including destructive and workspace-wide
-- operations and key management) or 'agent' (contacts, their own imports and exports). Every key that existed before
-- this migration becomes an admin key, so nothing that worked stops working; new keys always name their role.
alter table api_keys add column role text not null default 'admin' check (role in ('admin', 'agent'));
alter table api_keys alter column role drop default;
-- The first characters of the key (e.g. 'vc_Ab3x'), shown in the key list to tell keys apart; null for older keys.
alter table api_keys add column prefix text;
-- After this time the key answers 401 (null: never expires).
alter table api_keys add column expires_at timestamptz;
-- When the key last authenticated a request, to within a minute (written at most once a minute per key).
alter table api_keys add column last_used_at timestamptz;
-- Who revoked the key (a user of the same workspace; null when revoked with SQL or before this migration).
alter table api_keys add column revoked_by uuid;
create index api_keys_workspace on api_keys (workspace_id, created_at);

-- The key an export was started with: its signed download links work while that key is live (not revoked, not expired).
alter table exports add column api_key_id uuid;
