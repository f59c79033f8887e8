using Npgsql;
using NpgsqlTypes;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data.Imports;

namespace VeloConnect.Data.Contacts;

/// <summary>
/// The contacts tables. Writes come only from contact grains (one at a time per contact); every update is
/// checked against the version the grain read, so a write made behind a grain's back is never overwritten.
/// Opt-ins are written only by <see cref="SetOptInAsync"/>; the opt-outs addresses carry follow them into whichever
/// contact takes them (the database's trigger on <c>contact_identifiers</c>, see <see cref="Consent"/>).
/// </summary>
public sealed class ContactStore(NpgsqlDataSource dataSource)
{
    private const int LookupBatch = 10_000;
    private const string Columns = "id, workspace_id, name, phones, email, tags, custom::text, source, assigned_agent_id, created_at, last_activity_at, updated_at, version";

    public async Task<ContactRecord?> LoadAsync(Guid workspaceId, Guid contactId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from contacts where id = @id and workspace_id = @ws");
        command.Parameters.AddWithValue("id", contactId);
        command.Parameters.AddWithValue("ws", workspaceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Several contacts in one query (in no particular order); absent ids are left out.</summary>
    public async Task<IReadOnlyList<ContactRecord>> LoadManyAsync(Guid workspaceId, IReadOnlyList<Guid> ids, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from contacts where workspace_id = @ws and id = any(@ids)");
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var result = new List<ContactRecord>(ids.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    /// <summary>
    /// Several contacts' phones, email and tags only, in one query: all that matching needs (which contact a row goes to,
    /// which phones and emails it takes, frees or leaves with others) and the phone and tag limits' warnings. The other
    /// members are empty: never write these.
    /// </summary>
    public async Task<IReadOnlyList<ContactRecord>> LoadIdentifiersOnlyAsync(Guid workspaceId, IReadOnlyList<Guid> ids, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select id, phones, email, tags from contacts where workspace_id = @ws and id = any(@ids)");
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var result = new List<ContactRecord>(ids.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var data = ContactData.Empty with
            {
                Phones = reader.GetFieldValue<string[]>(1),
                Email = reader.IsDBNull(2) ? null : reader.GetString(2),
                Tags = reader.GetFieldValue<string[]>(3),
            };
            result.Add(new ContactRecord(reader.GetGuid(0), workspaceId, data, "", default, default, default, 0));
        }

        return result;
    }

    /// <summary>
    /// The owners of many identifiers at once, as durably recorded (absent: nobody owns it). The dictionary is sized for
    /// every identifier asked about: the plans that take it record the owners their rows give those identifiers in it.
    /// </summary>
    public async Task<Dictionary<Identifier, Guid>> OwnersAsync(Guid workspaceId, IEnumerable<Identifier> identifiers, CancellationToken cancellationToken = default)
    {
        // One set, sized once or the caller's own (a batch's identifiers are past the large-object threshold: growing a set by
        // copies, and copying it into chunks, woke the collector's full collections), then one lookup per LookupBatch identifiers.
        var wanted = DistinctSet(identifiers);
        var owners = new Dictionary<Identifier, Guid>(wanted.Count);
        List<string> phones = [], emails = [];
        foreach (var identifier in wanted)
        {
            (identifier.Kind == IdentifierKind.Phone ? phones : emails).Add(identifier.Key);
            if (phones.Count + emails.Count == LookupBatch)
            {
                await LookUpAsync();
            }
        }

        if (phones.Count + emails.Count > 0)
        {
            await LookUpAsync();
        }

        return owners;

        async Task LookUpAsync()
        {
            // One index scan per kind ("value = any(array)"): a join with unnest(kinds, values) compares char(1) with
            // text, which the planner answers with a scan of the whole table.
            await using var command = dataSource.CreateCommand("""
                select kind, value, contact_id from contact_identifiers where workspace_id = @ws and kind = 'p' and value = any(@phones)
                union all
                select kind, value, contact_id from contact_identifiers where workspace_id = @ws and kind = 'e' and value = any(@emails)
                """);
            command.Parameters.AddWithValue("ws", workspaceId);
            command.Parameters.AddWithValue("phones", phones);
            command.Parameters.AddWithValue("emails", emails);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    owners[ReadIdentifier(reader, 0)] = reader.GetGuid(2);
                }
            }

            phones = [];
            emails = [];
        }
    }

    /// <summary>
    /// A contact's row of the text search (<c>contact_search</c>, migration 23) already there is rewritten only when the text
    /// changed, so that a write which leaves name, email and phones as they were leaves the trigram index alone.
    /// </summary>
    internal const string SearchRewriteSql =
        " on conflict (contact_id) do update set search_text = excluded.search_text where contact_search.search_text is distinct from excluded.search_text";

    /// <summary>A contact's row of the text search, written with the contact (<see cref="SearchRewriteSql"/>).</summary>
    private const string SearchUpsertSql = "insert into contact_search (contact_id, workspace_id, search_text) values (@id, @ws, @search)" + SearchRewriteSql;

    /// <summary>The identifiers once each: the caller's set itself when it already is one (a batch's planner passes its own).</summary>
    private static HashSet<Identifier> DistinctSet(IEnumerable<Identifier> identifiers) =>
        identifiers as HashSet<Identifier> ?? new HashSet<Identifier>(identifiers);

    /// <summary>
    /// Inserts a new contact with its identifiers (the opt-outs those carry apply to it) and, for an import row, the row's
    /// result (<see cref="ImportRows"/>) and the import's journal entry (<see cref="ImportJournal"/>). One command of several statements: one round trip, one implicit transaction.
    /// </summary>
    public async Task InsertAsync(ContactRecord record, ImportRowKey? row = null, IReadOnlyList<string>? warnings = null, CancellationToken cancellationToken = default)
    {
        var identifiers = record.Data.Identifiers().ToList();
        await using var insert = dataSource.CreateCommand($"""
            insert into contacts (id, workspace_id, name, phones, email, tags, tag_keys, custom, source, assigned_agent_id,
                                  created_at, last_activity_at, updated_at, version)
            values (@id, @ws, @name, @phones, @email, @tags, @tag_keys, @custom::jsonb, @source, @agent,
                    @created, @activity, @updated, @version);
            {SearchUpsertSql};
            {(identifiers.Count > 0 ? InsertIdentifiersSql + ";" : "")}
            {(row is null ? "" : ImportRows.InsertOneSql + ";\n" + ImportJournal.UpsertSql)}
            """);
        AddDataParameters(insert, record);
        insert.Parameters.AddWithValue("search", SearchText(record.Data));
        insert.Parameters.AddWithValue("created", record.CreatedAt);
        insert.Parameters.AddWithValue("kinds", identifiers.Select(i => KindCode(i.Kind)).ToArray());
        insert.Parameters.AddWithValue("values", identifiers.Select(i => i.Key).ToArray());
        if (row is not null)
        {
            ImportRows.AddParameters(insert, row, "added", warnings);
            ImportJournal.AddEntryParameters(insert, null, record.Data, record.UpdatedAt);
        }

        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Writes a grain's new state if the stored version is still <paramref name="existing"/>'s; returns false (and changes
    /// nothing) when someone else wrote in between. For an import row, the row's result and the import's journal entry
    /// (before: <paramref name="existing"/>'s data) are written in the same transaction.
    /// </summary>
    public async Task<bool> UpdateAsync(ContactRecord existing, ContactRecord record, IReadOnlyList<Identifier> added, IReadOnlyList<Identifier> removed, ImportRowKey? row = null, IReadOnlyList<string>? warnings = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = new NpgsqlCommand("""
            update contacts set name = @name, phones = @phones, email = @email, tags = @tags, tag_keys = @tag_keys,
                custom = @custom::jsonb, source = @source, assigned_agent_id = @agent, last_activity_at = @activity,
                updated_at = @updated, version = @version
            where id = @id and workspace_id = @ws and version = @expected
            """, connection, transaction))
        {
            AddDataParameters(update, record);
            update.Parameters.AddWithValue("expected", existing.Version);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        // The search text only when the change rewrites it, as a batch does (ContactBatchWriter).
        if (!SameSearchText(existing.Data, record.Data))
        {
            await using var search = new NpgsqlCommand(SearchUpsertSql, connection, transaction);
            search.Parameters.AddWithValue("ws", record.WorkspaceId);
            search.Parameters.AddWithValue("id", record.Id);
            search.Parameters.AddWithValue("search", SearchText(record.Data));
            await search.ExecuteNonQueryAsync(cancellationToken);
        }

        if (removed.Count > 0)
        {
            await using var delete = new NpgsqlCommand("""
                delete from contact_identifiers i using unnest(@kinds, @values) as r(kind, value)
                where i.workspace_id = @ws and i.kind = r.kind and i.value = r.value and i.contact_id = @id
                """, connection, transaction);
            delete.Parameters.AddWithValue("ws", record.WorkspaceId);
            delete.Parameters.AddWithValue("id", record.Id);
            delete.Parameters.AddWithValue("kinds", removed.Select(i => KindCode(i.Kind)).ToArray());
            delete.Parameters.AddWithValue("values", removed.Select(i => i.Key).ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await AddIdentifiersAsync(connection, transaction, record.WorkspaceId, record.Id, added, cancellationToken);
        if (row is not null)
        {
            await ImportRows.InsertOneAsync(connection, transaction, row, "updated", record.Id, warnings, cancellationToken);
            await ImportJournal.UpsertAsync(connection, transaction, row.ImportId, record.WorkspaceId, record.Id, existing.Data, record.Data, record.UpdatedAt, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Deletes a contact. Its opt-outs stay with its phones and email (every address a contact holds while opted out
    /// carries the opt-out), so a contact created again with one of them starts opted out: deleting and re-importing
    /// can never lose an opt-out.
    /// </summary>
    public async Task<bool> DeleteAsync(Guid workspaceId, Guid contactId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await DeleteAsync(connection, transaction, workspaceId, [contactId], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted > 0;
    }

    /// <summary>Deletes contacts within a caller's transaction (as <see cref="DeleteAsync(Guid, Guid, CancellationToken)"/>); returns how many existed.</summary>
    internal static async Task<int> DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid workspaceId, IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        await using var delete = new NpgsqlCommand("delete from contacts where id = any(@ids) and workspace_id = @ws", connection, transaction);
        delete.Parameters.AddWithValue("ids", contactIds.ToArray());
        delete.Parameters.AddWithValue("ws", workspaceId);
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The contacts' effective consent per channel (<see cref="Consent.Effective"/>: their own record, and the opt-outs the
    /// addresses they hold carry); a channel that is unknown is absent.
    /// </summary>
    public async Task<IReadOnlyList<OptInRecord>> GetOptInsAsync(Guid workspaceId, IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(ConsentRowsSql);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("ids", contactIds.ToArray());
        return [.. (await ReadEffectiveAsync(command, cancellationToken)).Select(p => new OptInRecord(p.Key.Item1, p.Key.Item2, p.Value.Status, p.Value.SetAt, p.Value.Source, p.Value.SetBy))];
    }

    // Every consent row of contacts @ids: their own records (rank 0) and the opt-outs the addresses they hold carry (rank 1).
    private const string ConsentRowsSql = """
        select contact_id, channel, status, set_at, source, set_by, 0 from contact_opt_ins where workspace_id = @ws and contact_id = any(@ids)
        union all
        select i.contact_id, a.channel, 'opted_out', a.set_at, a.source, a.set_by, 1
        from contact_identifiers i join address_opt_outs a on a.workspace_id = i.workspace_id and a.kind = i.kind and a.value = i.value
        where i.contact_id = any(@ids) and i.workspace_id = @ws
        """;

    /// <summary>Reads <see cref="ConsentRowsSql"/>'s rows into each contact's effective consent per channel (unknown ones absent).</summary>
    private static async Task<Dictionary<(Guid, Channel), ChannelConsent>> ReadEffectiveAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var own = new Dictionary<(Guid, Channel), ChannelConsent>();
        var addresses = new Dictionary<(Guid, Channel), List<ChannelConsent>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (key, consent, isOwn) = ReadConsent(reader);
                if (isOwn)
                {
                    own[key] = consent;
                }
                else
                {
                    (addresses.TryGetValue(key, out var list) ? list : addresses[key] = []).Add(consent);
                }
            }
        }

        var effective = new Dictionary<(Guid, Channel), ChannelConsent>();
        foreach (var key in own.Keys.Union(addresses.Keys))
        {
            if (Consent.Effective(own.GetValueOrDefault(key), addresses.GetValueOrDefault(key) ?? []) is { } consent)
            {
                effective[key] = consent;
            }
        }

        return effective;
    }

    private static ((Guid, Channel) Key, ChannelConsent Consent, bool Own) ReadConsent(NpgsqlDataReader reader)
    {
        OptIns.TryParseChannel(reader.GetString(1), out var channel);
        OptIns.TryParseStatus(reader.GetString(2), out var status);
        return ((reader.GetGuid(0), channel), new ChannelConsent(status, reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetGuid(5)),
            reader.GetInt32(6) == 0);
    }

    /// <summary>
    /// The opt-outs some addresses carry and the channels some contacts are opted out of (their own record or any address
    /// they hold), in one round trip: what a write needs to warn a contact that takes an opted-out address.
    /// </summary>
    public async Task<OptOutView> OptOutsAsync(Guid workspaceId, IEnumerable<Identifier> addresses, IEnumerable<Guid> contactIds, CancellationToken cancellationToken = default)
    {
        List<string> phones = [], emails = [];
        foreach (var address in DistinctSet(addresses))
        {
            (address.Kind == IdentifierKind.Phone ? phones : emails).Add(address.Key);
        }

        await using var command = dataSource.CreateCommand("""
            select kind, value, channel from address_opt_outs where workspace_id = @ws and kind = 'p' and value = any(@phones)
            union all
            select kind, value, channel from address_opt_outs where workspace_id = @ws and kind = 'e' and value = any(@emails);
            select o.contact_id, o.channel from contact_opt_ins o where o.workspace_id = @ws and o.contact_id = any(@ids) and o.status = 'opted_out'
            union
            select i.contact_id, a.channel
            from contact_identifiers i join address_opt_outs a on a.workspace_id = i.workspace_id and a.kind = i.kind and a.value = i.value
            where i.contact_id = any(@ids) and i.workspace_id = @ws
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("phones", phones);
        command.Parameters.AddWithValue("emails", emails);
        command.Parameters.AddWithValue("ids", new HashSet<Guid>(contactIds).ToArray());
        var byAddress = new Dictionary<Identifier, IReadOnlySet<Channel>>();
        var byContact = new Dictionary<Guid, IReadOnlySet<Channel>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            OptIns.TryParseChannel(reader.GetString(2), out var channel);
            Add(byAddress, ReadIdentifier(reader, 0), channel);
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            OptIns.TryParseChannel(reader.GetString(1), out var channel);
            Add(byContact, reader.GetGuid(0), channel);
        }

        return new OptOutView(byAddress, byContact);

        static void Add<TKey>(Dictionary<TKey, IReadOnlySet<Channel>> map, TKey key, Channel channel)
            where TKey : notnull => ((HashSet<Channel>)(map.TryGetValue(key, out var set) ? set : map[key] = new HashSet<Channel>())).Add(channel);
    }

    /// <summary>
    /// Sets one channel's consent for a contact, with the audit row, in one transaction (see <see cref="Consent"/>):
    /// <list type="bullet">
    /// <item>opted out: the contact's record and every address it holds (they carry the opt-out wherever they go);</item>
    /// <item>opted in: the contact's record, and the opt-outs of every address it holds are lifted (an explicit opt-in
    /// for a contact that holds them);</item>
    /// <item>unknown: clears the contact's record, refused while the contact is opted out (only an opt-in lifts an opt-out).</item>
    /// </list>
    /// Returns the previous effective status (and whether the change was refused), or null when the contact does not exist.
    /// </summary>
    public async Task<OptInChangeResult?> SetOptInAsync(Guid workspaceId, Guid contactId, Channel channel, OptInStatus status, string source, Guid? userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("select 1 from contacts where id = @id and workspace_id = @ws for update", connection, transaction))
        {
            exists.Parameters.AddWithValue("id", contactId);
            exists.Parameters.AddWithValue("ws", workspaceId);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }
        }

        var previous = await EffectiveAsync(connection, transaction, workspaceId, contactId, channel, cancellationToken);
        if (status == OptInStatus.Unknown && previous?.Status == OptInStatus.OptedOut)
        {
            return new OptInChangeResult(OptInStatus.OptedOut, previous, Refused: true);
        }

        var sql = status == OptInStatus.Unknown
            ? "delete from contact_opt_ins where contact_id = @id and channel = @channel"
            : """
              insert into contact_opt_ins (contact_id, workspace_id, channel, status, set_at, source, set_by)
              values (@id, @ws, @channel, @status, now(), @source, @user)
              on conflict (contact_id, channel) do update
                  set status = excluded.status, set_at = excluded.set_at, source = excluded.source, set_by = excluded.set_by
              """;
        await using (var write = new NpgsqlCommand(sql, connection, transaction))
        {
            AddOptInParameters(write, workspaceId, contactId, channel, status, source, userId);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        var addresses = new List<string>();
        if (status != OptInStatus.Unknown)
        {
            await using var write = new NpgsqlCommand(status == OptInStatus.OptedOut ? OptOutAddressesSql : LiftAddressesSql, connection, transaction);
            AddOptInParameters(write, workspaceId, contactId, channel, status, source, userId);
            await using var reader = await write.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                addresses.Add(ReadIdentifier(reader, 0).Describe());
            }
        }

        var details = new Dictionary<string, object?>
        {
            ["channel"] = OptIns.Name(channel),
            ["from"] = OptIns.Name(previous?.Status ?? OptInStatus.Unknown),
            ["to"] = OptIns.Name(status),
            ["source"] = source,
        };
        if (status != OptInStatus.Unknown)
        {
            // Which addresses now carry the opt-out, or whose opt-outs the opt-in lifted.
            details[status == OptInStatus.OptedOut ? "addresses" : "lifted"] = addresses.Order(StringComparer.Ordinal).ToList();
        }

        await Audit.AuditLog.WriteAsync(connection, transaction, workspaceId, userId, "opt_in.changed", "contact", contactId.ToString(), details, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new OptInChangeResult(previous?.Status ?? OptInStatus.Unknown, previous, Refused: false);
    }

    private static void AddOptInParameters(NpgsqlCommand command, Guid workspaceId, Guid contactId, Channel channel, OptInStatus status, string source, Guid? userId)
    {
        command.Parameters.AddWithValue("id", contactId);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("channel", OptIns.Name(channel));
        command.Parameters.AddWithValue("status", OptIns.Name(status));
        command.Parameters.AddWithValue("source", source);
        command.Parameters.Add(new NpgsqlParameter("user", NpgsqlDbType.Uuid) { Value = (object?)userId ?? DBNull.Value });
    }

    private const string OptOutAddressesSql = """
        insert into address_opt_outs (workspace_id, kind, value, channel, set_at, source, set_by)
        select workspace_id, kind, value, @channel, now(), @source, @user from contact_identifiers where contact_id = @id and workspace_id = @ws
        on conflict (workspace_id, kind, value, channel) do update set set_at = excluded.set_at, source = excluded.source, set_by = excluded.set_by
        returning kind, value
        """;

    private const string LiftAddressesSql = """
        delete from address_opt_outs a using contact_identifiers i
        where i.contact_id = @id and i.workspace_id = @ws and a.workspace_id = i.workspace_id and a.kind = i.kind and a.value = i.value and a.channel = @channel
        returning a.kind, a.value
        """;

    /// <summary>One contact's effective consent on one channel, inside a transaction (null: unknown).</summary>
    private static async Task<ChannelConsent?> EffectiveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid workspaceId, Guid contactId, Channel channel, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand(ConsentRowsSql, connection, transaction);
        read.Parameters.AddWithValue("ws", workspaceId);
        read.Parameters.AddWithValue("ids", new[] { contactId });
        return (await ReadEffectiveAsync(read, cancellationToken)).GetValueOrDefault((contactId, channel));
    }

    internal static Identifier ReadIdentifier(NpgsqlDataReader reader, int ordinal) =>
        new(reader.GetString(ordinal) == "p" ? IdentifierKind.Phone : IdentifierKind.Email, reader.GetString(ordinal + 1));

    internal static string KindCode(IdentifierKind kind) => kind == IdentifierKind.Phone ? "p" : "e";

    internal static ContactRecord Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetGuid(1),
        new ContactData(
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.GetFieldValue<string[]>(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetFieldValue<string[]>(5),
            CustomJson.FromObject(reader.GetString(6)),
            reader.IsDBNull(8) ? null : reader.GetGuid(8)),
        reader.GetString(7),
        reader.GetFieldValue<DateTimeOffset>(9),
        reader.GetFieldValue<DateTimeOffset>(10),
        reader.GetFieldValue<DateTimeOffset>(11),
        reader.GetInt32(12));

    private static void AddDataParameters(NpgsqlCommand command, ContactRecord record)
    {
        var data = record.Data;
        command.Parameters.AddWithValue("id", record.Id);
        command.Parameters.AddWithValue("ws", record.WorkspaceId);
        command.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = (object?)data.Name ?? DBNull.Value });
        command.Parameters.AddWithValue("phones", data.Phones.ToArray());
        command.Parameters.Add(new NpgsqlParameter("email", NpgsqlDbType.Text) { Value = (object?)data.Email ?? DBNull.Value });
        command.Parameters.AddWithValue("tags", data.Tags.ToArray());
        command.Parameters.AddWithValue("tag_keys", data.Tags.Select(Tags.Key).ToArray());
        command.Parameters.AddWithValue("custom", CustomJson.ToObject(data.Custom));
        command.Parameters.AddWithValue("source", record.Source);
        command.Parameters.Add(new NpgsqlParameter("agent", NpgsqlDbType.Uuid) { Value = (object?)data.AssignedAgentId ?? DBNull.Value });
        command.Parameters.AddWithValue("activity", record.LastActivityAt);
        command.Parameters.AddWithValue("updated", record.UpdatedAt);
        command.Parameters.AddWithValue("version", record.Version);
    }

    /// <summary>True when the two have the same search text (<see cref="SearchText"/>: the same name, email and phones).</summary>
    public static bool SameSearchText(ContactData a, ContactData b) =>
        string.Equals(a.Name, b.Name, StringComparison.Ordinal) && string.Equals(a.Email, b.Email, StringComparison.Ordinal)
        && a.Phones.SequenceEqual(b.Phones, StringComparer.Ordinal);

    /// <summary>What text search looks in: name, email and phones, lower-cased.</summary>
    public static string SearchText(ContactData data)
    {
        // The non-empty parts, space-separated, lower-cased as they are copied into the one string.
        var length = -1;
        Measure(data.Name);
        Measure(data.Email);
        for (var i = 0; i < data.Phones.Count; i++)
        {
            Measure(data.Phones[i]);
        }

        return length <= 0 ? "" : string.Create(length, data, static (text, data) =>
        {
            var at = 0;
            Copy(text, ref at, data.Name);
            Copy(text, ref at, data.Email);
            for (var i = 0; i < data.Phones.Count; i++)
            {
                Copy(text, ref at, data.Phones[i]);
            }
        });

        void Measure(string? part)
        {
            if (!string.IsNullOrEmpty(part))
            {
                length += part.Length + 1;
            }
        }

        static void Copy(Span<char> text, ref int at, string? part)
        {
            if (string.IsNullOrEmpty(part))
            {
                return;
            }

            if (at > 0)
            {
                text[at++] = ' ';
            }

            at += part.AsSpan().ToLowerInvariant(text[at..]);
        }
    }

    internal const string InsertIdentifiersSql = """
        insert into contact_identifiers (workspace_id, kind, value, contact_id)
        select @ws, kind, value, @id from unnest(@kinds, @values) as r(kind, value)
        """;

    private static async Task AddIdentifiersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid workspaceId, Guid contactId, IReadOnlyList<Identifier> identifiers, CancellationToken cancellationToken)
    {
        if (identifiers.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(InsertIdentifiersSql, connection, transaction);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("id", contactId);
        command.Parameters.AddWithValue("kinds", identifiers.Select(i => KindCode(i.Kind)).ToArray());
        command.Parameters.AddWithValue("values", identifiers.Select(i => i.Key).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
