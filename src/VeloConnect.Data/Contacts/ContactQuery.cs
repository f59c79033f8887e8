using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.Data.Contacts;

/// <summary>A page of contacts in list order (newest first) and the cursor of the next page.</summary>
public sealed record ContactPage(IReadOnlyList<ContactRecord> Items, string? NextCursor);

/// <summary>A contact and its effective consent per channel (channels never set are absent).</summary>
public sealed record ConsentedContact(ContactRecord Contact, IReadOnlyDictionary<Channel, ChannelConsent> Consent);

/// <summary>
/// Turns a <see cref="ContactFilter"/> into SQL over the contacts table. The list, delete-by-filter and exports
/// all select through here, so they agree on which contacts a filter means. Every condition has an index.
/// </summary>
public sealed class ContactQuery(NpgsqlDataSource dataSource)
{
    public const int MaxPageSize = 500;

    public async Task<ContactPage> ListAsync(Guid workspaceId, ContactFilter filter, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand();
        var where = Where(command, workspaceId, filter);
        if (cursor is not null)
        {
            var (createdAt, id) = DecodeCursor(cursor);
            where.Append(" and (c.created_at, c.id) < (@cursor_at, @cursor_id)");
            command.Parameters.AddWithValue("cursor_at", createdAt);
            command.Parameters.AddWithValue("cursor_id", id);
        }

        command.CommandText = $"""
            select c.id, c.workspace_id, c.name, c.phones, c.email, c.tags, c.custom::text, c.source, c.assigned_agent_id,
                   c.created_at, c.last_activity_at, c.updated_at, c.version
            from contacts c where {where}
            order by c.created_at desc, c.id desc limit @limit
            """;
        command.Parameters.AddWithValue("limit", limit + 1);
        var items = new List<ContactRecord>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(ContactStore.Read(reader));
            }
        }

        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            next = EncodeCursor(items[^1].CreatedAt, items[^1].Id);
        }

        return new ContactPage(items, next);
    }

    /// <summary>
    /// Every contact the filter selects, in list order, with its consent joined: one query, read as its rows arrive
    /// (one snapshot, one round trip, nothing held but the current row), for exports. Each contact's own opt-in records
    /// and the opt-outs its addresses carry come as arrays beside it; the effective status is derived here as
    /// <see cref="ContactStore.GetOptInsAsync"/> derives it (<see cref="Consent.Effective"/>).
    /// </summary>
    public async IAsyncEnumerable<ConsentedContact> StreamWithConsentAsync(Guid workspaceId, ContactFilter filter,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand();
        var where = Where(command, workspaceId, filter);
        command.CommandText = $"""
            select c.id, c.workspace_id, c.name, c.phones, c.email, c.tags, c.custom::text, c.source, c.assigned_agent_id,
                   c.created_at, c.last_activity_at, c.updated_at, c.version,
                   own.channels, own.statuses, own.set_ats, own.sources,
                   address.channels, address.set_ats, address.sources
            from contacts c
            left join lateral (
                select array_agg(o.channel) channels, array_agg(o.status) statuses, array_agg(o.set_at) set_ats, array_agg(o.source) sources
                from contact_opt_ins o where o.contact_id = c.id) own on true
            left join lateral (
                select array_agg(a.channel) channels, array_agg(a.set_at) set_ats, array_agg(a.source) sources
                from contact_identifiers i join address_opt_outs a on a.workspace_id = i.workspace_id and a.kind = i.kind and a.value = i.value
                where i.contact_id = c.id and i.workspace_id = @ws) address on true
            where {where}
            order by c.created_at desc, c.id desc
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ConsentedContact(ContactStore.Read(reader), ReadConsent(reader));
        }
    }

    private static readonly IReadOnlyDictionary<Channel, ChannelConsent> NoConsent = new Dictionary<Channel, ChannelConsent>();

    private static IReadOnlyDictionary<Channel, ChannelConsent> ReadConsent(NpgsqlDataReader reader)
    {
        if (reader.IsDBNull(13) && reader.IsDBNull(17))
        {
            return NoConsent;
        }

        var own = new Dictionary<Channel, ChannelConsent>();
        if (!reader.IsDBNull(13))
        {
            var (channels, statuses, setAts, sources) = (reader.GetFieldValue<string[]>(13), reader.GetFieldValue<string[]>(14),
                reader.GetFieldValue<DateTimeOffset[]>(15), reader.GetFieldValue<string[]>(16));
            for (var i = 0; i < channels.Length; i++)
            {
                OptIns.TryParseChannel(channels[i], out var channel);
                OptIns.TryParseStatus(statuses[i], out var status);
                own[channel] = new ChannelConsent(status, setAts[i], sources[i], null);
            }
        }

        var addresses = new Dictionary<Channel, List<ChannelConsent>>();
        if (!reader.IsDBNull(17))
        {
            var (channels, setAts, sources) = (reader.GetFieldValue<string[]>(17), reader.GetFieldValue<DateTimeOffset[]>(18), reader.GetFieldValue<string[]>(19));
            for (var i = 0; i < channels.Length; i++)
            {
                OptIns.TryParseChannel(channels[i], out var channel);
                (addresses.TryGetValue(channel, out var list) ? list : addresses[channel] = []).Add(new ChannelConsent(OptInStatus.OptedOut, setAts[i], sources[i], null));
            }
        }

        var effective = new Dictionary<Channel, ChannelConsent>();
        foreach (var channel in own.Keys.Union(addresses.Keys))
        {
            if (Consent.Effective(own.GetValueOrDefault(channel), addresses.GetValueOrDefault(channel) ?? []) is { } consent)
            {
                effective[channel] = consent;
            }
        }

        return effective;
    }

    public async Task<long> CountAsync(Guid workspaceId, ContactFilter filter, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand();
        var where = Where(command, workspaceId, filter);
        command.CommandText = $"select count(*) from contacts c where {where}";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The ids of every contact the filter selects (delete by filter).</summary>
    public async Task<IReadOnlyList<Guid>> ListIdsAsync(Guid workspaceId, ContactFilter filter, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand();
        var where = Where(command, workspaceId, filter);
        command.CommandText = $"select c.id from contacts c where {where}";
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>Appends the filter's conditions (alias <c>c</c> for contacts) and their parameters to a command.</summary>
    public static StringBuilder Where(NpgsqlCommand command, Guid workspaceId, ContactFilter filter)
    {
        var sql = new StringBuilder("c.workspace_id = @ws");
        command.Parameters.AddWithValue("ws", workspaceId);
        if (filter.Tags.Count > 0)
        {
            sql.Append(" and c.tag_keys @> @tag_keys");
            command.Parameters.AddWithValue("tag_keys", filter.Tags.Select(Tags.Key).Distinct().ToArray());
        }

        if (filter.Source is not null)
        {
            sql.Append(" and lower(c.source) = lower(@source)");
            command.Parameters.AddWithValue("source", filter.Source);
        }

        if (filter.AssignedAgentId is { } agent)
        {
            sql.Append(" and c.assigned_agent_id = @agent");
            command.Parameters.AddWithValue("agent", agent);
        }
        else if (filter.Unassigned)
        {
            sql.Append(" and c.assigned_agent_id is null");
        }

        AddRange(sql, command, "c.created_at", "created", filter.CreatedFrom, filter.CreatedTo);
        AddRange(sql, command, "c.last_activity_at", "activity", filter.LastActivityFrom, filter.LastActivityTo);

        var index = 0;
        foreach (var (key, canonicalJson) in filter.Custom.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // Containment: equality for scalars, "contains the options" for multi-select arrays; uses the GIN index.
            var name = $"custom{index++}";
            sql.Append(CultureInfo.InvariantCulture, $" and c.custom @> @{name}::jsonb");
            command.Parameters.AddWithValue(name, CustomJson.ToObject(new Dictionary<string, string> { [key] = canonicalJson }));
        }

        foreach (var (channelName, statusName) in filter.OptIns.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // The effective status (ContactRules' Consent): opted out by the contact's own record or by any address it
            // holds; opted in by its own record with no address opted out; otherwise unknown.
            OptIns.TryParseChannel(channelName, out var channel);
            OptIns.TryParseStatus(statusName, out var status);
            var name = $"optin_{OptIns.Name(channel)}";
            command.Parameters.AddWithValue(name, OptIns.Name(channel));
            var own = $"select 1 from contact_opt_ins o where o.contact_id = c.id and o.channel = @{name}";
            var address = $"""
                exists (select 1 from contact_identifiers i join address_opt_outs a on a.workspace_id = i.workspace_id and a.kind = i.kind and a.value = i.value
                        where i.contact_id = c.id and a.channel = @{name})
                """;
            sql.Append(status switch
            {
                OptInStatus.OptedOut => $" and (exists ({own} and o.status = 'opted_out') or {address})",
                OptInStatus.OptedIn => $" and exists ({own} and o.status = 'opted_in') and not {address}",
                _ => $" and not exists ({own}) and not {address}",
            });
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var search = filter.Search.Trim();
            var escaped = search.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
            command.Parameters.Add(new NpgsqlParameter("search", NpgsqlDbType.Text) { Value = $"%{escaped}%" });
            sql.Append(" and exists (select 1 from contact_search cs where cs.contact_id = c.id and cs.workspace_id = @ws and ");
            if (PhoneDigits(search) is { } digits)
            {
                // Phones are stored in E.164, so a number written the way people write it ("(415) 555-0100",
                // "+1 415 555 0100") is also looked for by its digits.
                sql.Append("(cs.search_text like @search escape '\\' or cs.search_text like @search_digits))");
                command.Parameters.Add(new NpgsqlParameter("search_digits", NpgsqlDbType.Text) { Value = $"%{digits}%" });
            }
            else
            {
                sql.Append("cs.search_text like @search escape '\\')");
            }
        }

        return sql;
    }

    public static string EncodeCursor(DateTimeOffset createdAt, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{createdAt.UtcTicks}:{id:N}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecodeCursor(string cursor, out DateTimeOffset createdAt, out Guid id)
    {
        createdAt = default;
        id = default;
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - base64.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split(':');
            // A forged tick count beyond the calendar must be refused here, not throw when the cursor is used.
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(parts[1], "N", out id))
            {
                createdAt = new DateTimeOffset(ticks, TimeSpan.Zero);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }

    /// <summary>The digits of a search that is written like a phone number (digits and + - ( ) . / spaces, at least three digits); otherwise null.</summary>
    private static string? PhoneDigits(string search)
    {
        var digits = new string([.. search.Where(char.IsAsciiDigit)]);
        return digits.Length >= 3 && digits.Length < search.Length && search.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '.' or '/')
            ? digits
            : null;
    }

    private static (DateTimeOffset, Guid) DecodeCursor(string cursor) =>
        TryDecodeCursor(cursor, out var at, out var id) ? (at, id) : throw new ArgumentException("The cursor is not one this API returned.", nameof(cursor));

    private static void AddRange(StringBuilder sql, NpgsqlCommand command, string column, string name, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is { } start)
        {
            sql.Append(CultureInfo.InvariantCulture, $" and {column} >= @{name}_from");
            command.Parameters.AddWithValue(name + "_from", start);
        }

        if (to is { } end)
        {
            sql.Append(CultureInfo.InvariantCulture, $" and {column} < @{name}_to");
            command.Parameters.AddWithValue(name + "_to", end);
        }
    }
}
