using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;
using VeloConnect.TestSupport;
using Xunit;
using static VeloConnect.Grains.Tests.OrleansProviders.OrleansTestSupport;

namespace VeloConnect.Grains.Tests.OrleansProviders;

/// <summary>
/// Orleans' ADO.NET grain storage against our PostgreSQL schema and queries (migration 0002): state
/// survives the cluster, the etag check rejects stale and racing writes, clear and delete behave.
/// </summary>
public sealed class AdoNetGrainStorageTests : IAsyncLifetime
{
    private string _db = "";

    public async Task InitializeAsync() => _db = await TestPostgres.CreateDatabaseAsync("orleans_storage");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task State_written_by_one_cluster_is_read_by_a_new_cluster_with_the_same_service_id()
    {
        var serviceId = $"svc-{Guid.NewGuid():N}";
        var first = await StartStorageClusterAsync(_db, serviceId);
        try
        {
            var written = await first.Client.GetGrain<IStoredCounterGrain>("persist-me").Set(42, "héllo");
            Assert.Equal("1", written.ETag);
            Assert.True(written.RecordExists);
        }
        finally
        {
            await StopAsync(first);
        }

        var second = await StartStorageClusterAsync(_db, serviceId);
        try
        {
            var read = await second.Client.GetGrain<IStoredCounterGrain>("persist-me").Get();
            Assert.Equal(42, read.Value);
            Assert.Equal("héllo", read.Note);
            Assert.Equal("1", read.ETag);
            Assert.True(read.RecordExists);

            var rewritten = await second.Client.GetGrain<IStoredCounterGrain>("persist-me").Set(43);
            Assert.Equal("2", rewritten.ETag);
        }
        finally
        {
            await StopAsync(second);
        }

        // The service id is part of the grain's identity in storage: another service starts empty.
        var other = await StartStorageClusterAsync(_db, $"svc-{Guid.NewGuid():N}");
        try
        {
            var fresh = await other.Client.GetGrain<IStoredCounterGrain>("persist-me").Get();
            Assert.Equal(0, fresh.Value);
            Assert.Null(fresh.ETag);
            Assert.False(fresh.RecordExists);
        }
        finally
        {
            await StopAsync(other);
        }

        var row = await ReadRowAsync(_db, serviceId, "persist-me");
        Assert.NotNull(row);
        Assert.Equal(2, row.Version);
    }

    [Fact]
    public async Task A_grain_write_with_a_stale_version_is_rejected_and_the_grain_recovers_after_reactivation()
    {
        var serviceId = $"svc-{Guid.NewGuid():N}";
        var cluster = await StartStorageClusterAsync(_db, serviceId);
        try
        {
            var grain = cluster.Client.GetGrain<IStoredCounterGrain>("contested");
            Assert.Equal("1", (await grain.Set(1)).ETag);

            // Another writer moves the row on behind the grain's back.
            var moved = await ExecuteAsync(_db,
                "update orleans_grain_state set version = version + 1 where service_id = @s and grain_id_extension = @k",
                ("s", serviceId), ("k", "contested"));
            Assert.Equal(1, moved);

            await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Set(2));
            var row = await ReadRowAsync(_db, serviceId, "contested");
            Assert.Equal(2, row!.Version);

            // Re-reading picks up the current version; writing then succeeds.
            var reloaded = await grain.Reload();
            Assert.Equal("2", reloaded.ETag);
            Assert.Equal(1, reloaded.Value);
            Assert.Equal("3", (await grain.Set(3)).ETag);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    [Fact]
    public async Task Storage_provider_rejects_stale_and_concurrent_writes_by_etag()
    {
        var serviceId = $"svc-{Guid.NewGuid():N}";
        var cluster = await StartStorageClusterAsync(_db, serviceId);
        try
        {
            var storage = Storage(cluster, "Default");
            const string grainType = "test.counter";
            var grainId = GrainId.Create(grainType, "direct");

            // Two activations that both saw no state: the first write wins, the second is rejected.
            var a = new GrainState<CounterState>(new CounterState { Value = 1 });
            var b = new GrainState<CounterState>(new CounterState { Value = 2 });
            await storage.WriteStateAsync(grainType, grainId, a);
            Assert.Equal("1", a.ETag);
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(grainType, grainId, b));

            // A write with a version that is no longer current is rejected; the current one succeeds.
            var stale = new GrainState<CounterState>(new CounterState { Value = 3 }, "1");
            a.State = new CounterState { Value = 4 };
            await storage.WriteStateAsync(grainType, grainId, a);
            Assert.Equal("2", a.ETag);
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(grainType, grainId, stale));

            // Many writers racing with the same current version: exactly one wins.
            var racers = Enumerable.Range(0, 8)
                .Select(i => new GrainState<CounterState>(new CounterState { Value = 100 + i }, "2"))
                .ToList();
            var outcomes = await Task.WhenAll(racers.Select(async racer =>
            {
                try
                {
                    await storage.WriteStateAsync(grainType, grainId, racer);
                    return true;
                }
                catch (InconsistentStateException)
                {
                    return false;
                }
            }));
            Assert.Single(outcomes, won => won);
            var winner = racers[Array.IndexOf(outcomes, true)];
            Assert.Equal("3", winner.ETag);

            var read = new GrainState<CounterState>();
            await storage.ReadStateAsync(grainType, grainId, read);
            Assert.Equal(winner.State!.Value, read.State!.Value);
            Assert.Equal("3", read.ETag);
            Assert.True(read.RecordExists);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    [Fact]
    public async Task Grain_ids_differing_only_in_key_extension_are_stored_apart_and_a_null_extension_matches_only_null()
    {
        var serviceId = $"svc-{Guid.NewGuid():N}";
        var cluster = await StartStorageClusterAsync(_db, serviceId);
        try
        {
            var storage = Storage(cluster, "Default");
            const string grainType = "test.extended";
            var type = GrainType.Create(grainType);
            var ids = new[]
            {
                GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(7)),               // extension null
                GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(7, "x")),
                GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.Empty)),          // extension null
                // A GUID key with an empty extension ("<guid>+"): the provider passes "" rather than null.
                GrainId.Create(type, new IdSpan(Encoding.UTF8.GetBytes(Guid.Empty.ToString("N") + "+"))),
            };

            for (var i = 0; i < ids.Length; i++)
            {
                var state = new GrainState<CounterState>(new CounterState { Value = i + 1 });
                await storage.WriteStateAsync(grainType, ids[i], state);
                Assert.Equal("1", state.ETag);
            }

            for (var i = 0; i < ids.Length; i++)
            {
                var state = new GrainState<CounterState>();
                await storage.ReadStateAsync(grainType, ids[i], state);
                Assert.Equal(i + 1, state.State!.Value);
                Assert.Equal("1", state.ETag);
            }

            var rows = await ExecuteScalarAsync<long>(_db, "select count(*) from orleans_grain_state where service_id = @s", ("s", serviceId));
            Assert.Equal(ids.Length, rows);
            var nullExtensions = await ExecuteScalarAsync<long>(_db,
                "select count(*) from orleans_grain_state where service_id = @s and grain_id_extension is null", ("s", serviceId));
            Assert.Equal(2, nullExtensions);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    [Fact]
    public async Task Clear_empties_the_state_keeps_the_version_moving_and_rejects_a_stale_version()
    {
        var serviceId = $"svc-{Guid.NewGuid():N}";
        var cluster = await StartStorageClusterAsync(_db, serviceId);
        try
        {
            var grain = cluster.Client.GetGrain<IStoredCounterGrain>("to-clear");
            await grain.Set(5, "five");
            var cleared = await grain.Clear();
            Assert.Equal(0, cleared.Value);
            Assert.False(cleared.RecordExists);
            Assert.Equal("2", cleared.ETag);

            var row = await ReadRowAsync(_db, serviceId, "to-clear");
            Assert.NotNull(row);
            Assert.Null(row.Payload);
            Assert.Equal(2, row.Version);

            // A new activation reads the cleared state: nothing, but the version it must write on.
            await grain.Deactivate();
            var reread = await grain.Get();
            Assert.Equal(0, reread.Value);
            Assert.False(reread.RecordExists);
            Assert.Equal("2", reread.ETag);
            Assert.Equal("3", (await grain.Set(6)).ETag);

            // Clearing with a stale version fails like a stale write.
            var storage = Storage(cluster, "Default");
            var row3 = await ReadRowAsync(_db, serviceId, "to-clear");
            var grainId = GrainId.Create(GrainType.Create(row3!.GrainType), "to-clear");
            var stale = new GrainState<CounterState>(new CounterState(), "2") { RecordExists = true };
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(row3.GrainType, grainId, stale));
            Assert.Equal(3, (await ReadRowAsync(_db, serviceId, "to-clear"))!.Version);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    [Fact]
    public async Task Delete_on_clear_removes_the_row_and_a_later_write_starts_again_at_version_one()
    {
        var serviceId = $"svc-{Guid.NewGuid():N}";
        var cluster = await StartStorageClusterAsync(_db, serviceId);
        try
        {
            var grain = cluster.Client.GetGrain<IDeletingCounterGrain>("to-delete");
            await grain.Set(7);
            Assert.Equal("2", (await grain.Set(8)).ETag);

            var cleared = await grain.Clear();
            Assert.Equal(0, cleared.Value);
            Assert.False(cleared.RecordExists);
            Assert.Null(cleared.ETag);
            Assert.Null(await ReadRowAsync(_db, serviceId, "to-delete"));

            await grain.Deactivate();
            var reread = await grain.Get();
            Assert.False(reread.RecordExists);
            Assert.Null(reread.ETag);

            Assert.Equal("1", (await grain.Set(9)).ETag);
            Assert.Equal(1, (await ReadRowAsync(_db, serviceId, "to-delete"))!.Version);

            // Deleting with a stale version is rejected and leaves the row.
            var storage = Storage(cluster, "DeleteOnClear");
            var row = await ReadRowAsync(_db, serviceId, "to-delete");
            var grainId = GrainId.Create(GrainType.Create(row!.GrainType), "to-delete");
            await grain.Set(10);
            var stale = new GrainState<CounterState>(new CounterState(), "1") { RecordExists = true };
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(row.GrainType, grainId, stale));
            Assert.Equal(2, (await ReadRowAsync(_db, serviceId, "to-delete"))!.Version);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    private static IGrainStorage Storage(InProcessTestCluster cluster, string name) =>
        cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(name);
}
