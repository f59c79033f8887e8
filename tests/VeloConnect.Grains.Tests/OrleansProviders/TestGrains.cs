using Orleans.Placement;
using Orleans.Runtime;

namespace VeloConnect.Grains.Tests.OrleansProviders;

/// <summary>The state the test grains persist through the ADO.NET grain storage.</summary>
[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public int Value { get; set; }

    [Id(1)]
    public string? Note { get; set; }
}

/// <summary>What the test grains expose of their persistent state.</summary>
[GenerateSerializer]
public sealed record StateSnapshot(
    [property: Id(0)] int Value,
    [property: Id(1)] string? Note,
    [property: Id(2)] string? ETag,
    [property: Id(3)] bool RecordExists,
    [property: Id(4)] string Silo);

public interface ICounterGrain : IGrainWithStringKey
{
    Task<StateSnapshot> Get();

    /// <summary>Sets the value and writes the state.</summary>
    Task<StateSnapshot> Set(int value, string? note = null);

    /// <summary>Clears the state in storage (ClearStateAsync).</summary>
    Task<StateSnapshot> Clear();

    /// <summary>Re-reads the state from storage.</summary>
    Task<StateSnapshot> Reload();

    /// <summary>Deactivates on return, so the next call reads the state afresh.</summary>
    Task Deactivate();
}

/// <summary>Persists in the "Default" storage (clear keeps the row, emptied).</summary>
public interface IStoredCounterGrain : ICounterGrain;

/// <summary>Persists in the "DeleteOnClear" storage (clear deletes the row).</summary>
public interface IDeletingCounterGrain : ICounterGrain;

public abstract class CounterGrainBase(IPersistentState<CounterState> state, ILocalSiloDetails silo) : Grain, ICounterGrain
{
    public Task<StateSnapshot> Get() => Task.FromResult(Snapshot());

    public async Task<StateSnapshot> Set(int value, string? note = null)
    {
        state.State.Value = value;
        state.State.Note = note;
        await state.WriteStateAsync();
        return Snapshot();
    }

    public async Task<StateSnapshot> Clear()
    {
        await state.ClearStateAsync();
        return Snapshot();
    }

    public async Task<StateSnapshot> Reload()
    {
        await state.ReadStateAsync();
        return Snapshot();
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private StateSnapshot Snapshot() =>
        new(state.State.Value, state.State.Note, state.Etag, state.RecordExists, silo.SiloAddress.ToString());
}

public sealed class StoredCounterGrain(
    [PersistentState("state", "Default")] IPersistentState<CounterState> state,
    ILocalSiloDetails silo) : CounterGrainBase(state, silo), IStoredCounterGrain;

public sealed class DeletingCounterGrain(
    [PersistentState("state", "DeleteOnClear")] IPersistentState<CounterState> state,
    ILocalSiloDetails silo) : CounterGrainBase(state, silo), IDeletingCounterGrain;

/// <summary>Answers with the silo it is activated on; placed at random so a cluster spreads them.</summary>
public interface IWhereGrain : IGrainWithIntegerKey
{
    Task<string> Silo();
}

[RandomPlacement]
public sealed class WhereGrain(ILocalSiloDetails silo) : Grain, IWhereGrain
{
    public Task<string> Silo() => Task.FromResult(silo.SiloAddress.ToString());
}
