-- Orleans ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet), our own PostgreSQL schema.
--
-- The provider reads its SQL at start-up from OrleansQuery, one row per query key, binds its
-- parameters by name and reads the result columns by name. Everything behind those texts (the
-- table, the functions) is ours. The contract, per key:
--   parameters  @ServiceId text, @GrainTypeHash int, @GrainTypeString text, @GrainIdHash int,
--               @GrainIdN0 bigint, @GrainIdN1 bigint, @GrainIdExtensionString text (may be null),
--               and for write/clear/delete @GrainStateVersion int (null: never written);
--               write also @PayloadBinary bytea.
--   ReadFromStorageKey  -> columns PayloadBinary, Version (no row: no state yet).
--   WriteToStorageKey   -> column NewGrainStateVersion.
--   ClearStorageKey     -> one column: the new version.
--   DeleteStorageKey    -> one column: the deleted version + 1 (used when DeleteStateOnClear).
-- The etag check: Orleans raises InconsistentStateException when the returned version equals the
-- one it sent, or is null/empty when it sent a version, or is null when it sent none. So on a lost
-- race these functions return the version that was sent (null when none was sent).

-- PostgreSQL folds the unquoted name to orleansquery; the provider's own lookup
-- (SELECT QueryKey, QueryText FROM OrleansQuery) is unquoted too.
create table if not exists OrleansQuery (
    QueryKey varchar(64) not null primary key,
    QueryText varchar(8000) not null
);

-- One row per grain state. A grain is identified by its service, its type and its id: the id is
-- two 64-bit numbers (a GUID's halves, or 0 and an integer key) plus an optional string (the key
-- extension, or the whole key of a string-keyed grain). The hashes only make the look-up selective.
create table orleans_grain_state (
    service_id text not null,
    grain_type_hash integer not null,
    grain_id_hash integer not null,
    grain_id_n0 bigint not null,
    grain_id_n1 bigint not null,
    grain_type text not null,
    grain_id_extension text,                      -- null matches only null (see the index)
    payload bytea,                                -- null after a clear: the row keeps the version
    version integer not null,
    modified_at timestamptz not null default now()
);
-- NULLS NOT DISTINCT (PostgreSQL 15+): two writers of a grain without an extension collide here,
-- so a concurrent first write cannot create a second row.
create unique index orleans_grain_state_identity on orleans_grain_state
    (service_id, grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_extension)
    nulls not distinct;

-- Write: with no version, insert version 1 unless the row exists (then null: lost race); with a
-- version, update only the row holding that version, to version + 1 (else return the version sent).
create function orleans_grain_state_write(
    p_service_id text, p_grain_type_hash integer, p_grain_type text,
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_id_extension text,
    p_version integer, p_payload bytea)
returns integer
language plpgsql
as $$
declare
    new_version integer;
begin
    if p_version is null then
        insert into orleans_grain_state as s
            (service_id, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_extension, payload, version)
        values
            (p_service_id, p_grain_type_hash, p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type, p_grain_id_extension, p_payload, 1)
        on conflict (service_id, grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_extension)
            do nothing
        returning s.version into new_version;
        return new_version;
    end if;

    update orleans_grain_state as s
       set payload = p_payload, version = s.version + 1, modified_at = now()
     where s.service_id = p_service_id
       and s.grain_id_hash = p_grain_id_hash
       and s.grain_type_hash = p_grain_type_hash
       and s.grain_id_n0 = p_grain_id_n0
       and s.grain_id_n1 = p_grain_id_n1
       and s.grain_type = p_grain_type
       and s.grain_id_extension is not distinct from p_grain_id_extension
       and s.version = p_version
    returning s.version into new_version;
    return coalesce(new_version, p_version);
end;
$$;

-- Clear: empty the payload and bump the version, under the same check.
create function orleans_grain_state_clear(
    p_service_id text, p_grain_type_hash integer, p_grain_type text,
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_id_extension text,
    p_version integer)
returns integer
language plpgsql
as $$
declare
    new_version integer;
begin
    if p_version is null then
        return null;                              -- nothing was ever read: nothing to clear
    end if;

    update orleans_grain_state as s
       set payload = null, version = s.version + 1, modified_at = now()
     where s.service_id = p_service_id
       and s.grain_id_hash = p_grain_id_hash
       and s.grain_type_hash = p_grain_type_hash
       and s.grain_id_n0 = p_grain_id_n0
       and s.grain_id_n1 = p_grain_id_n1
       and s.grain_type = p_grain_type
       and s.grain_id_extension is not distinct from p_grain_id_extension
       and s.version = p_version
    returning s.version into new_version;
    return coalesce(new_version, p_version);
end;
$$;

-- Delete: remove the row, under the same check; returns the deleted version + 1.
create function orleans_grain_state_delete(
    p_service_id text, p_grain_type_hash integer, p_grain_type text,
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_id_extension text,
    p_version integer)
returns integer
language plpgsql
as $$
declare
    deleted_version integer;
begin
    if p_version is null then
        return null;
    end if;

    delete from orleans_grain_state as s
     where s.service_id = p_service_id
       and s.grain_id_hash = p_grain_id_hash
       and s.grain_type_hash = p_grain_type_hash
       and s.grain_id_n0 = p_grain_id_n0
       and s.grain_id_n1 = p_grain_id_n1
       and s.grain_type = p_grain_type
       and s.grain_id_extension is not distinct from p_grain_id_extension
       and s.version = p_version
    returning s.version into deleted_version;
    if deleted_version is null then
        return p_version;
    end if;
    return deleted_version + 1;
end;
$$;

insert into OrleansQuery (QueryKey, QueryText) values
('ReadFromStorageKey', '
select s.payload as "PayloadBinary", s.version as "Version"
  from orleans_grain_state as s
 where s.service_id = @ServiceId
   and s.grain_id_hash = @GrainIdHash
   and s.grain_type_hash = @GrainTypeHash
   and s.grain_id_n0 = @GrainIdN0
   and s.grain_id_n1 = @GrainIdN1
   and s.grain_type = @GrainTypeString
   and s.grain_id_extension is not distinct from @GrainIdExtensionString
'),
('WriteToStorageKey', '
select orleans_grain_state_write(@ServiceId, @GrainTypeHash, @GrainTypeString,
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
    @GrainStateVersion, @PayloadBinary) as "NewGrainStateVersion"
'),
('ClearStorageKey', '
select orleans_grain_state_clear(@ServiceId, @GrainTypeHash, @GrainTypeString,
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
    @GrainStateVersion) as "NewGrainStateVersion"
'),
('DeleteStorageKey', '
select orleans_grain_state_delete(@ServiceId, @GrainTypeHash, @GrainTypeString,
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
    @GrainStateVersion) as "NewGrainStateVersion"
')
on conflict (QueryKey) do update set QueryText = excluded.QueryText;
