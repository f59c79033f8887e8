-- Orleans ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet): our own PostgreSQL schema for the
-- membership table of silos and the gateway list of clients.
--
-- The provider loads every row of OrleansQuery at start-up and refuses to start unless all of its
-- nine required keys are present; a tenth, CleanupDefunctSiloEntryKey, is optional (see below).
-- Parameters are bound by name, result columns read by name:
--   InsertMembershipVersionKey      @DeploymentId                         -> one boolean: row created
--   MembershipReadAllKey            @DeploymentId                         -> Version + silo columns
--   MembershipReadRowKey            @DeploymentId, @Address, @Port, @Generation -> likewise, one silo
--   InsertMembershipKey             @DeploymentId, silo columns, @Version -> one boolean: inserted
--   UpdateMembershipKey             @DeploymentId, @Address, @Port, @Generation, @Status,
--                                   @SuspectTimes, @IAmAliveTime, @Version -> one boolean: updated
--   UpdateIAmAlivetimeKey           @DeploymentId, @Address, @Port, @Generation, @IAmAliveTime
--   GatewaysQueryKey                @DeploymentId, @Status                -> Address, ProxyPort, Generation
--   DeleteMembershipTableEntriesKey @DeploymentId
--   CleanupDefunctSiloEntriesKey    @DeploymentId, @IAmAliveTime (the cut-off): delete Dead silos older than it
--   CleanupDefunctSiloEntryKey      (optional; when present, 10.4.x uses it instead of the key above)
--                                   @DeploymentId, @Address, @Port, @Generation, @StartTime,
--                                   @IAmAliveTime, @SuspectTimes: the provider reads the table, picks the
--                                   Dead silos whose start, heartbeat and every suspicion are all before
--                                   the cut-off, and deletes each one with the values it read, so a row
--                                   changed in between is left alone.
-- Silo columns: Address, Port, Generation, SiloName, HostName, Status (SiloStatus as int: 3 Active,
-- 6 Dead), ProxyPort, SuspectTimes ('silo,date|silo,date'), StartTime, IAmAliveTime (UTC).
-- @DeploymentId is the cluster id. The read queries must return the table version even when no silo
-- matches (one row whose silo columns are null): Orleans reads the version from the first row.
-- Table version protocol: @Version is the table version's etag as Orleans read it (TableVersion.Next()
-- keeps the etag of the version it was made from), so an insert or update succeeds only while the
-- stored version still equals @Version, and then moves it to @Version + 1, atomically with the row.

create table if not exists OrleansQuery (
    QueryKey varchar(64) not null primary key,
    QueryText varchar(8000) not null
);

-- One row per cluster: the membership table's version (its etag).
create table orleans_membership_version (
    deployment_id text not null primary key,
    version integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- One row per silo incarnation (address, port and generation) of a cluster.
create table orleans_membership (
    deployment_id text not null references orleans_membership_version (deployment_id) on delete cascade,
    address varchar(45) not null,                 -- IPv4 or IPv6, as text
    port integer not null,
    generation integer not null,
    silo_name text not null,
    host_name text not null,
    status integer not null,
    proxy_port integer not null,                  -- gateway port; 0 when the silo has no gateway
    suspect_times text,
    start_time timestamptz not null,
    i_am_alive_time timestamptz not null,
    primary key (deployment_id, address, port, generation)
);
create index orleans_membership_gateways on orleans_membership (deployment_id, status);

-- Insert a silo row and bump the table version, both or neither. The version row is locked first, so
-- every change to one cluster's table is serialised; a concurrent writer that got there first has
-- already moved the version on, and this one then returns false.
create function orleans_membership_insert(
    p_deployment_id text, p_address text, p_port integer, p_generation integer,
    p_silo_name text, p_host_name text, p_status integer, p_proxy_port integer,
    p_start_time timestamptz, p_i_am_alive_time timestamptz, p_version integer)
returns boolean
language plpgsql
as $$
begin
    perform 1 from orleans_membership_version as v
     where v.deployment_id = p_deployment_id and v.version = p_version
       for update;
    if not found then
        return false;
    end if;

    if exists (select 1 from orleans_membership as m
                where m.deployment_id = p_deployment_id and m.address = p_address
                  and m.port = p_port and m.generation = p_generation) then
        return false;
    end if;

    insert into orleans_membership
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port,
         suspect_times, start_time, i_am_alive_time)
    values
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port,
         null, p_start_time, p_i_am_alive_time);

    update orleans_membership_version as v
       set version = p_version + 1, updated_at = now()
     where v.deployment_id = p_deployment_id;
    return true;
end;
$$;

-- Update a silo row (status, suspicions, liveness) and bump the table version, both or neither.
create function orleans_membership_update(
    p_deployment_id text, p_address text, p_port integer, p_generation integer,
    p_status integer, p_suspect_times text, p_i_am_alive_time timestamptz, p_version integer)
returns boolean
language plpgsql
as $$
begin
    perform 1 from orleans_membership_version as v
     where v.deployment_id = p_deployment_id and v.version = p_version
       for update;
    if not found then
        return false;
    end if;

    update orleans_membership as m
       set status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
     where m.deployment_id = p_deployment_id and m.address = p_address
       and m.port = p_port and m.generation = p_generation;
    if not found then
        return false;
    end if;

    update orleans_membership_version as v
       set version = p_version + 1, updated_at = now()
     where v.deployment_id = p_deployment_id;
    return true;
end;
$$;

insert into OrleansQuery (QueryKey, QueryText) values
('InsertMembershipVersionKey', '
with created as (
    insert into orleans_membership_version (deployment_id) values (@DeploymentId)
    on conflict (deployment_id) do nothing
    returning 1)
select count(*) > 0 from created
'),
('MembershipReadAllKey', '
select v.version as "Version",
       m.address as "Address", m.port as "Port", m.generation as "Generation",
       m.silo_name as "SiloName", m.host_name as "HostName", m.status as "Status",
       m.proxy_port as "ProxyPort", m.suspect_times as "SuspectTimes",
       m.start_time as "StartTime", m.i_am_alive_time as "IAmAliveTime"
  from orleans_membership_version as v
  left join orleans_membership as m on m.deployment_id = v.deployment_id
 where v.deployment_id = @DeploymentId
'),
('MembershipReadRowKey', '
select v.version as "Version",
       m.address as "Address", m.port as "Port", m.generation as "Generation",
       m.silo_name as "SiloName", m.host_name as "HostName", m.status as "Status",
       m.proxy_port as "ProxyPort", m.suspect_times as "SuspectTimes",
       m.start_time as "StartTime", m.i_am_alive_time as "IAmAliveTime"
  from orleans_membership_version as v
  left join orleans_membership as m
    on m.deployment_id = v.deployment_id
   and m.address = @Address and m.port = @Port and m.generation = @Generation
 where v.deployment_id = @DeploymentId
'),
('InsertMembershipKey', '
select orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation,
    @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version)
'),
('UpdateMembershipKey', '
select orleans_membership_update(@DeploymentId, @Address, @Port, @Generation,
    @Status, @SuspectTimes, @IAmAliveTime, @Version)
'),
('UpdateIAmAlivetimeKey', '
update orleans_membership
   set i_am_alive_time = @IAmAliveTime
 where deployment_id = @DeploymentId and address = @Address
   and port = @Port and generation = @Generation
'),
('GatewaysQueryKey', '
select m.address as "Address", m.proxy_port as "ProxyPort", m.generation as "Generation"
  from orleans_membership as m
 where m.deployment_id = @DeploymentId and m.status = @Status and m.proxy_port > 0
'),
('DeleteMembershipTableEntriesKey', '
delete from orleans_membership_version where deployment_id = @DeploymentId
'),
('CleanupDefunctSiloEntriesKey', '
delete from orleans_membership
 where deployment_id = @DeploymentId
   and status = 6
   and i_am_alive_time < @IAmAliveTime
   and start_time < @IAmAliveTime
'),
('CleanupDefunctSiloEntryKey', '
delete from orleans_membership
 where deployment_id = @DeploymentId
   and address = @Address and port = @Port and generation = @Generation
   and status = 6
   and start_time = @StartTime
   and i_am_alive_time = @IAmAliveTime
   and coalesce(suspect_times, '''') = coalesce(@SuspectTimes, '''')
')
on conflict (QueryKey) do update set QueryText = excluded.QueryText;
