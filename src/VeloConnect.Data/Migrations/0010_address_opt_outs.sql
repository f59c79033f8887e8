-- Consent per address. An opt-out belongs to the phone or email it was given for and stays with it wherever it goes
-- (on its contact, after it leaves that contact, on the contact that takes it next, after a delete) until an explicit
-- opt-in for a contact that holds it. A contact's status per channel is derived (ContactRules' Consent): opted out if
-- its own record (contact_opt_ins) says so or any address it holds has a row here; else its own opt-in; else unknown.
-- Every address a contact holds while opted out on a channel carries that opt-out, so no write path has to remember it.
create table address_opt_outs (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    kind char(1) not null check (kind in ('p', 'e')),
    value text not null,                          -- E.164 phone, or lower-cased email
    channel text not null check (channel in ('whatsapp', 'sms', 'email')),
    set_at timestamptz not null,
    source text not null,
    set_by uuid,
    primary key (workspace_id, kind, value, channel)
);

-- Today's data, meaning what it meant. 1: every opt-out a contact has, on each address it holds.
insert into address_opt_outs (workspace_id, kind, value, channel, set_at, source, set_by)
select i.workspace_id, i.kind, i.value, o.channel, o.set_at, o.source, o.set_by
from contact_opt_ins o join contact_identifiers i on i.contact_id = o.contact_id
where o.status = 'opted_out'
on conflict (workspace_id, kind, value, channel) do nothing;

-- 2: the opt-outs kept from deleted contacts (where an address has both, the latest).
insert into address_opt_outs (workspace_id, kind, value, channel, set_at, source, set_by)
select r.workspace_id, r.kind, r.value, r.channel, r.set_at, r.source, r.set_by
from retained_opt_outs r join workspaces w on w.id = r.workspace_id
on conflict (workspace_id, kind, value, channel) do update
    set set_at = excluded.set_at, source = excluded.source, set_by = excluded.set_by
    where excluded.set_at > address_opt_outs.set_at;

-- 3: the one change of meaning. A retained opt-out was not applied to a contact that already had a status for the
-- channel when it took the address (an opt-in): that contact is now opted out, as the rule says. Audited.
insert into audit_log (workspace_id, user_id, action, entity_type, entity_id, details)
select distinct on (i.contact_id, a.channel) i.workspace_id, null, 'opt_in.changed', 'contact', i.contact_id::text,
    jsonb_build_object('channel', a.channel, 'from', coalesce(o.status, 'unknown'), 'to', 'opted_out', 'reason', 'took_opted_out_address',
        'identifier', case i.kind when 'p' then 'Phone ' else 'Email ' end || i.value, 'source', a.source, 'migration', 10)
from address_opt_outs a
join contact_identifiers i on i.workspace_id = a.workspace_id and i.kind = a.kind and i.value = a.value
left join contact_opt_ins o on o.contact_id = i.contact_id and o.channel = a.channel
where o.status is distinct from 'opted_out'
order by i.contact_id, a.channel, a.set_at desc;

-- 4: every address of a contact carries the contact's opt-outs (an address belongs to one contact: one pass closes all).
insert into address_opt_outs (workspace_id, kind, value, channel, set_at, source, set_by)
select distinct on (held.workspace_id, held.kind, held.value, a.channel) held.workspace_id, held.kind, held.value, a.channel, a.set_at, a.source, a.set_by
from address_opt_outs a
join contact_identifiers i on i.workspace_id = a.workspace_id and i.kind = a.kind and i.value = a.value
join contact_identifiers held on held.contact_id = i.contact_id
order by held.workspace_id, held.kind, held.value, a.channel, a.set_at desc
on conflict (workspace_id, kind, value, channel) do nothing;

drop table retained_opt_outs;

-- A contact that takes addresses (any write: a create, a merge, an edit, a batch, a revert) takes their opt-outs, and
-- every address it holds then carries the contact's opt-outs. Where that opts the contact out of a channel it was not
-- opted out of, an audit row says which address brought it. One statement per write: the batch COPY stays one pass.
create function take_address_opt_outs() returns trigger language plpgsql as $$
begin
    with touched as (
        select distinct workspace_id, contact_id from gained),
    opted_out as (
        -- Each touched contact's opt-out per channel now: its own, else the latest on any address it holds.
        select distinct on (t.contact_id, x.channel) t.workspace_id, t.contact_id, x.channel, x.set_at, x.source, x.set_by
        from touched t cross join lateral (
            select o.channel, o.set_at, o.source, o.set_by, 0 as rank
            from contact_opt_ins o where o.contact_id = t.contact_id and o.status = 'opted_out'
            union all
            select a.channel, a.set_at, a.source, a.set_by, 1
            from contact_identifiers i
            join address_opt_outs a on a.workspace_id = i.workspace_id and a.kind = i.kind and a.value = i.value
            where i.contact_id = t.contact_id) x
        order by t.contact_id, x.channel, x.rank, x.set_at desc),
    took as (
        -- Channels a gained address brings that the contact was not opted out of before (own record, or an address it already held).
        select distinct on (g.contact_id, a.channel) g.workspace_id, g.contact_id, a.channel, g.kind, g.value, a.source
        from gained g
        join address_opt_outs a on a.workspace_id = g.workspace_id and a.kind = g.kind and a.value = g.value
        where not exists (select 1 from contact_opt_ins o where o.contact_id = g.contact_id and o.channel = a.channel and o.status = 'opted_out')
          and not exists (
              select 1 from contact_identifiers i
              join address_opt_outs b on b.workspace_id = i.workspace_id and b.kind = i.kind and b.value = i.value and b.channel = a.channel
              where i.contact_id = g.contact_id
                and not exists (select 1 from gained h where h.workspace_id = i.workspace_id and h.kind = i.kind and h.value = i.value))
        order by g.contact_id, a.channel, a.set_at desc),
    audited as (
        insert into audit_log (workspace_id, user_id, action, entity_type, entity_id, details)
        select t.workspace_id, null, 'opt_in.changed', 'contact', t.contact_id::text,
            jsonb_build_object('channel', t.channel,
                'from', coalesce((select o.status from contact_opt_ins o where o.contact_id = t.contact_id and o.channel = t.channel), 'unknown'),
                'to', 'opted_out', 'reason', 'took_opted_out_address',
                'identifier', case t.kind when 'p' then 'Phone ' else 'Email ' end || t.value, 'source', t.source)
        from took t)
    insert into address_opt_outs (workspace_id, kind, value, channel, set_at, source, set_by)
    select i.workspace_id, i.kind, i.value, n.channel, n.set_at, n.source, n.set_by
    from opted_out n join contact_identifiers i on i.contact_id = n.contact_id
    on conflict (workspace_id, kind, value, channel) do nothing;
    return null;
end
$$;

create trigger contact_identifiers_take_opt_outs after insert on contact_identifiers
    referencing new table as gained for each statement execute function take_address_opt_outs();
