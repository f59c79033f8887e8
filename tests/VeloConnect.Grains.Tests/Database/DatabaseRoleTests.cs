using CsCheck;
using Npgsql;
using VeloConnect.Data;
using VeloConnect.TestSupport;
using Xunit;
using static VeloConnect.Grains.Tests.Database.DatabaseCommands;

namespace VeloConnect.Grains.Tests.Database;

/// <summary>
/// The application's PostgreSQL role (issue 15): a database migrated the old way, as the superuser, is handed to the role
/// by the bootstrap with nothing lost; the role migrates, reads and writes it, and can do nothing beyond its schema.
/// </summary>
public sealed class DatabaseRoleTests
{
    private static readonly Guid Ws = Guid.NewGuid();
    private static readonly Guid Contact = Guid.NewGuid();

    private const string PublicSchemaOwner =
        "select r.rolname::text from pg_namespace n join pg_roles r on r.oid = n.nspowner where n.nspname = 'public'";

    [Fact]
    public async Task A_database_migrated_as_the_superuser_is_handed_to_the_role_which_migrates_it_and_can_do_nothing_else()
    {
        var server = await TestPostgres.InstanceAsync();
        var database = "role_upgrade_" + Guid.NewGuid().ToString("N")[..8];
        var superuserConnectionString = server.ConnectionString(database);

        // Before issue 15: migrated by the superuser, with data, and something of the superuser's in another schema.
        await DatabaseMigrator.EnsureDatabaseAsync(superuserConnectionString);
        await using (var old = NpgsqlDataSource.Create(superuserConnectionString))
        {
            Assert.Equal(Enumerable.Range(1, 15), await DatabaseMigrator.MigrateToAsync(old, 15));
            await ExecuteAsync(old, $"""
                insert into workspaces (id, name) values ('{Ws}', 'Before 15');
                insert into contacts (id, workspace_id, phones, email, source, created_at, last_activity_at, updated_at, version)
                values ('{Contact}', '{Ws}', array['+14155550101'], 'kept@example.com', 'API', now(), now(), now(), 1);
                insert into contact_opt_ins (contact_id, workspace_id, channel, status, set_at, source)
                values ('{Contact}', '{Ws}', 'sms', 'opted_out', now(), 'replied STOP');
                create view legacy_view as select id from workspaces;
                create type legacy_kind as enum ('a', 'b');
                create function legacy_answer() returns int language sql as 'select 42';
                create schema other;
                create table other.secret (value text);
                insert into other.secret values ('the superuser''s');
                """);
        }

        var password = "it's \"quoted\"; drop role postgres; --";
        var connectionString = await DatabaseRole.BootstrapAsync(superuserConnectionString, DatabaseRole.DefaultName, password);
        Assert.Contains($"Username={DatabaseRole.DefaultName}", connectionString, StringComparison.Ordinal);
        // The bootstrap's own connections are unpooled; the string it hands the services must not be (every query would
        // open a connection: the benches ran at half speed).
        Assert.True(new NpgsqlConnectionStringBuilder(connectionString).Pooling, connectionString);

        await using var db = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(DatabaseRole.DefaultName, await ScalarAsync<string>(db, "select current_user"));
        // Its sessions plan without parallel workers (two processes started per lookup cost more than they save).
        Assert.Equal("0", await ScalarAsync<string>(db, "show max_parallel_workers_per_gather"));

        // The role applies the later migrations to the superuser's tables, and owns every object of the schema.
        Assert.Equal(DatabaseMigrator.Migrations.Select(m => m.Version).Where(v => v > 15), await DatabaseMigrator.MigrateAsync(db));
        Assert.Equal("", await ScalarAsync<string>(db, """
            select coalesce(string_agg(pg_describe_object(o.catalog, o.oid, 0), ', '), '') from (
                select relowner as owner, oid, 'pg_class'::regclass as catalog from pg_class where relnamespace = 'public'::regnamespace
                union all select proowner, oid, 'pg_proc'::regclass from pg_proc where pronamespace = 'public'::regnamespace
                union all select typowner, oid, 'pg_type'::regclass from pg_type where typnamespace = 'public'::regnamespace
                    and typcategory <> 'A' -- an array type follows its element type
            ) o
            where o.owner <> (select oid from pg_roles where rolname = current_user)
              and not exists (select 1 from pg_depend d where d.classid = o.catalog and d.objid = o.oid and d.deptype = 'e')
            """));
        Assert.Equal(DatabaseRole.DefaultName, await ScalarAsync<string>(db, PublicSchemaOwner));

        // Every row is still there, and the role reads and writes.
        Assert.Equal("kept@example.com", await ScalarAsync<string>(db, $"select email from contacts where id = '{Contact}'"));
        Assert.Equal("opted_out", await ScalarAsync<string>(db, $"select status from contact_opt_ins where contact_id = '{Contact}'"));
        Assert.Equal(42, await ScalarAsync<int>(db, "select legacy_answer()"));
        await ExecuteAsync(db, $"update workspaces set name = 'After 15' where id = '{Ws}'; alter type legacy_kind add value 'c'");
        Assert.Equal(1L, await ScalarAsync<long>(db, "select count(*) from legacy_view"));

        // It is a plain login, a member of nothing, and reaches nothing beyond its schema.
        Assert.Equal("False False False False False", await ScalarAsync<string>(db, """
            select concat_ws(' ', initcap(rolsuper::text), initcap(rolcreatedb::text), initcap(rolcreaterole::text),
                             initcap(rolreplication::text), initcap(rolbypassrls::text))
            from pg_roles where rolname = current_user
            """));
        Assert.Equal(0L, await ScalarAsync<long>(db, "select count(*) from pg_auth_members where member = (select oid from pg_roles where rolname = current_user)"));
        foreach (var forbidden in new[]
        {
            $"create database {database}_more",
            "create role veloconnect_intruder",
            "select rolpassword from pg_authid",
            "select * from other.secret",
            "create table other.mine (id int)",
            "create schema mine",
            "create extension if not exists pgcrypto",
            "copy (select 1) to program 'true'",
            "alter system set work_mem = '1GB'",
        })
        {
            var denied = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, forbidden));
            Assert.True(denied.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"'{forbidden}': {denied.SqlState} {denied.MessageText}");
        }

        // Nobody else may connect to the database; the superuser's data elsewhere is untouched.
        await using var superuser = NpgsqlDataSource.Create(superuserConnectionString);
        Assert.False(await ScalarAsync<bool>(superuser, $"select has_database_privilege('public', '{database}', 'connect')"));
        Assert.Equal("the superuser's", await ScalarAsync<string>(superuser, "select value from other.secret"));
        Assert.StartsWith("SCRAM-SHA-256$", await ScalarAsync<string>(superuser, $"select rolpassword from pg_authid where rolname = '{DatabaseRole.DefaultName}'"));

        // Again (every start of the AppHost bootstraps): nothing changes, nothing fails.
        await DatabaseRole.BootstrapAsync(superuserConnectionString, DatabaseRole.DefaultName, password);
        Assert.Empty(await DatabaseMigrator.MigrateAsync(db));
        Assert.Equal("After 15", await ScalarAsync<string>(db, $"select name from workspaces where id = '{Ws}'"));
    }

    [Fact]
    public async Task Bootstraps_racing_for_a_new_role_on_one_server_all_succeed_and_each_database_is_the_roles()
    {
        var server = await TestPostgres.InstanceAsync();
        var role = "vc_race_" + Guid.NewGuid().ToString("N")[..8];
        var databases = Enumerable.Range(0, 3).Select(i => $"{role}_{i}").ToList();

        // Two bootstraps per database, all at once (parallel test classes, or replicas of an init step).
        var connectionStrings = await Task.WhenAll(databases.Concat(databases).Select(database =>
            Task.Run(() => DatabaseRole.BootstrapAsync(server.ConnectionString(database), role, "secret"))));

        foreach (var connectionString in connectionStrings.Distinct())
        {
            await using var db = NpgsqlDataSource.Create(connectionString);
            await DatabaseMigrator.MigrateAsync(db);
            Assert.Equal(role, await ScalarAsync<string>(db, "select tableowner::text from pg_tables where tablename = 'contacts'"));
        }

        await using var postgres = NpgsqlDataSource.Create(server.ConnectionString("postgres"));
        Assert.Equal(1L, await ScalarAsync<long>(postgres, $"select count(*) from pg_roles where rolname = '{role}'"));
    }

    [Fact]
    public async Task Any_role_name_and_password_are_quoted_never_executed()
    {
        var server = await TestPostgres.InstanceAsync();
        var database = "role_quoting_" + Guid.NewGuid().ToString("N")[..8];
        await using var postgres = NpgsqlDataSource.Create(server.ConnectionString("postgres"));
        var rolesBefore = await ScalarAsync<long>(postgres, "select count(*) from pg_roles");
        var tricky = Gen.Char["abc'\";-$ \\()%sIL\u00e9\u4e2d"].Array[1, 15].Select(chars => new string(chars));
        var created = new List<string>();

        await Gen.Select(tricky, tricky).SampleAsync(async sample =>
        {
            var (suffix, password) = sample;
            var role = "vc_q_" + suffix;
            var connectionString = await DatabaseRole.BootstrapAsync(server.ConnectionString(database), role, password);
            created.Add(role);
            await using var db = NpgsqlDataSource.Create(connectionString);
            Assert.Equal(role, await ScalarAsync<string>(db, "select current_user"));
            Assert.Equal(role, await ScalarAsync<string>(db, PublicSchemaOwner));
            Assert.False(await ScalarAsync<bool>(postgres, "select rolsuper from pg_roles where rolname = @role", role));
        }, iter: 25, threads: 1);

        // Exactly the roles asked for, nothing more (no statement smuggled in by a name or a password).
        Assert.Equal(rolesBefore + created.Distinct().Count(), await ScalarAsync<long>(postgres, "select count(*) from pg_roles"));
    }

    [Fact]
    public async Task The_deployments_bootstrap_command_hands_the_database_to_the_role_and_refuses_to_run_without_a_password()
    {
        var server = await TestPostgres.InstanceAsync();
        var database = "role_command_" + Guid.NewGuid().ToString("N")[..8];
        var role = "vc_command_" + Guid.NewGuid().ToString("N")[..8];
        string[] settings = [$"--ConnectionStrings:pg={server.ConnectionString("postgres")}", "--VeloConnect:Database:Server=pg",
            $"--VeloConnect:Database:Name={database}", $"--VeloConnect:Database:Role={role}"];

        Assert.Equal(2, await VeloConnect.Silo.DatabaseBootstrapCommand.RunAsync(settings));
        Assert.Equal(0, await VeloConnect.Silo.DatabaseBootstrapCommand.RunAsync([.. settings, "--VeloConnect:Database:Password=s3cret"]));

        await using var db = NpgsqlDataSource.Create(server.AppConnectionString(database).Replace(DatabaseRole.DefaultName, role, StringComparison.Ordinal));
        Assert.NotEmpty(await DatabaseMigrator.MigrateAsync(db));
        Assert.Equal(role, await ScalarAsync<string>(db, PublicSchemaOwner));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, string? role = null)
    {
        await using var command = db.CreateCommand(sql);
        if (role is not null)
        {
            command.Parameters.AddWithValue("role", role);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
