using Npgsql;

namespace VeloConnect.Data;

/// <summary>
/// The one-time bootstrap that needs the superuser (issue 15): it creates the database and the application's login
/// role, and hands that role the database's <c>public</c> schema with everything in it. The services then connect as the
/// role, which owns what the migrations create and can do nothing else: no superuser, no databases, no roles, no other
/// schemas. Idempotent and safe to run concurrently (roles are cluster-wide; the test fixtures share one server).
/// </summary>
public static class DatabaseRole
{
    /// <summary>The role's name unless a deployment chooses another.</summary>
    public const string DefaultName = "veloconnect_app";

    /// <summary>Extensions the migrations use: created by the bootstrap, since the role may not create extensions.</summary>
    public static IReadOnlyList<string> Extensions { get; } = ["pg_trgm"];

    /// <summary>
    /// The role's own session defaults (<c>alter role … set</c>), so every connection of the services has them. No parallel
    /// query: the services' statements are a batch's lookups and writes (thousands of keys at a time, each answered in
    /// milliseconds), for which PostgreSQL would start two worker processes per statement, and those processes cost more
    /// than they save: on two cores they take the processor from the backends and the services (docs/decisions.md, "No
    /// parallel query for the application's statements").
    /// </summary>
    public static IReadOnlyList<(string Setting, string Value)> SessionDefaults { get; } = [("max_parallel_workers_per_gather", "0")];

    // Serialises the cluster-wide part (CREATE/ALTER ROLE) across bootstraps: taken in the maintenance database,
    // since advisory locks are per database. The per-database part takes the same key in its own database.
    private const long BootstrapLockKey = 0x56656C6F_526F6C65; // "VeloRole"

    /// <summary>
    /// Creates the database and <paramref name="role"/> when missing, makes the role a plain login (no superuser, no
    /// CREATEDB/CREATEROLE/REPLICATION/BYPASSRLS), sets its password when one is given, and gives it the database's
    /// <c>public</c> schema: ownership of the schema and of every table, sequence, view, function and type in it that
    /// another role owns (a database migrated before issue 15, as the superuser). Returns the role's connection string.
    /// </summary>
    public static async Task<string> BootstrapAsync(
        string superuserConnectionString, string role, string? password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        var superuser = new NpgsqlConnectionStringBuilder(superuserConnectionString) { Pooling = false };
        var database = superuser.Database ?? throw new InvalidOperationException("The connection string names no database.");
        if (string.Equals(superuser.Username, role, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The application role '{role}' is the bootstrap's own login: name a separate role for the services.");
        }

        await DatabaseMigrator.EnsureDatabaseAsync(superuser.ConnectionString, cancellationToken);

        var maintenance = new NpgsqlConnectionStringBuilder(superuser.ConnectionString) { Database = "postgres" };
        await using (var connection = new NpgsqlConnection(maintenance.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, "select pg_advisory_xact_lock(@key)", cancellationToken, ("key", BootstrapLockKey));
            await EnsureRoleAsync(connection, role, password, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await using (var connection = new NpgsqlConnection(superuser.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, "select pg_advisory_xact_lock(@key)", cancellationToken, ("key", BootstrapLockKey));
            await HandOverSchemaAsync(connection, database, role, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // From the caller's string, not the bootstrap's unpooled one: the services' pool must keep its connections.
        return ConnectionStringFor(superuserConnectionString, role, password);
    }

    /// <summary>The same server and database, logged in as <paramref name="role"/>.</summary>
    public static string ConnectionStringFor(string connectionString, string role, string? password)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = password };
        if (password is null)
        {
            builder.Remove("Password");
        }

        return builder.ConnectionString;
    }

    private static async Task EnsureRoleAsync(NpgsqlConnection connection, string role, string? password, CancellationToken cancellationToken)
    {
        // Quoting by the server (format's %I and %L), since DDL takes no parameters.
        const string Attributes = "login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit";
        var exists = await ScalarAsync(connection, "select count(*) from pg_roles where rolname = @role", cancellationToken, ("role", role)) is > 0L;
        await ExecuteFormattedAsync(connection, exists ? $"alter role %I {Attributes}" : $"create role %I {Attributes}",
            cancellationToken, role);
        if (password is not null)
        {
            await ExecuteFormattedAsync(connection, "alter role %I password %L", cancellationToken, role, password);
        }

        foreach (var (setting, value) in SessionDefaults)
        {
            await ExecuteFormattedAsync(connection, "alter role %I set %I = %L", cancellationToken, role, setting, value);
        }

        // Members of roles such as pg_read_all_data would read beyond the schema: the role is a member of none.
        var memberships = await ListAsync(connection, """
            select g.rolname from pg_auth_members m
            join pg_roles g on g.oid = m.roleid join pg_roles r on r.oid = m.member
            where r.rolname = @role
            """, cancellationToken, ("role", role));
        foreach (var group in memberships)
        {
            await ExecuteFormattedAsync(connection, "revoke %I from %I", cancellationToken, group, role);
        }
    }

    private static async Task HandOverSchemaAsync(NpgsqlConnection connection, string database, string role, CancellationToken cancellationToken)
    {
        foreach (var extension in Extensions)
        {
            await ExecuteFormattedAsync(connection, "create extension if not exists %I schema public", cancellationToken, extension);
        }

        // Only the role (and the superuser) reach this database; nobody but the role creates in its schema.
        await ExecuteFormattedAsync(connection, "revoke all on database %I from public", cancellationToken, database);
        await ExecuteFormattedAsync(connection, "grant connect, temporary on database %I to %I", cancellationToken, database, role);
        await ExecuteFormattedAsync(connection, "alter schema public owner to %I", cancellationToken, role);
        await ExecuteAsync(connection, "revoke create on schema public from public", cancellationToken);

        // What the superuser created before (a database migrated before issue 15), except what belongs to an extension.
        // Tables first: their owned sequences, indexes and row types follow them.
        string[] objects =
        [
            """
            select format('alter table public.%I owner to %I', c.relname, @role) from pg_class c
            where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'f')
              and c.relowner <> (select oid from pg_roles where rolname = @role)
              and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
            """,
            """
            select format('alter %s public.%I owner to %I', case c.relkind when 'S' then 'sequence' when 'v' then 'view' else 'materialized view' end, c.relname, @role)
            from pg_class c
            where c.relnamespace = 'public'::regnamespace and c.relkind in ('S', 'v', 'm')
              and c.relowner <> (select oid from pg_roles where rolname = @role)
              and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('e', 'a', 'i'))
            """,
            """
            select format('alter routine %s owner to %I', p.oid::regprocedure, @role) from pg_proc p
            where p.pronamespace = 'public'::regnamespace
              and p.proowner <> (select oid from pg_roles where rolname = @role)
              and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
            """,
            """
            select format('alter type %s owner to %I', t.oid::regtype, @role) from pg_type t
            where t.typnamespace = 'public'::regnamespace
              and (t.typtype in ('e', 'd', 'r', 'm') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
              and t.typowner <> (select oid from pg_roles where rolname = @role)
              and not exists (select 1 from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
            """,
        ];
        foreach (var query in objects)
        {
            foreach (var statement in await ListAsync(connection, query, cancellationToken, ("role", role)))
            {
                await ExecuteAsync(connection, statement, cancellationToken);
            }
        }
    }

    private static async Task ExecuteFormattedAsync(NpgsqlConnection connection, string format, CancellationToken cancellationToken, params string[] values)
    {
        var placeholders = string.Join(", ", values.Select((_, i) => $"@p{i}"));
        var parameters = values.Select((value, i) => ($"p{i}", (object)value)).ToArray();
        var statement = (string)(await ScalarAsync(connection, $"select format(@format, {placeholders})", cancellationToken,
            [("format", format), .. parameters]))!;
        await ExecuteAsync(connection, statement, cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
