using System.Globalization;

namespace VeloConnect.ModelTests;

/// <summary>The invariants, by the key a violation carries.</summary>
public static class Invariant
{
    /// <summary>1. No identifier that was opted out is reachable as opted in or unknown without a later explicit opt-in.</summary>
    public const string OptOut = "1 opt-out";

    /// <summary>2. No two contacts share a phone or an email (and the identifier index agrees with the contacts).</summary>
    public const string Unique = "2 unique identifiers";

    /// <summary>3. Every import row is recorded exactly once and the counts add up.</summary>
    public const string ImportRows = "3 import rows";

    /// <summary>3, for a valid row whose contact a delete of the same step removes while the import writes it: recorded invalid.</summary>
    public const string ImportRowRacingDelete = "3 import rows (row racing a delete)";

    /// <summary>4. A retried or replayed request never applies anything twice.</summary>
    public const string ExactlyOnce = "4 exactly once";

    /// <summary>4, for a request whose client gave up mid-way (dropped connection) and retried with the same key.</summary>
    public const string ExactlyOnceAbandoned = "4 exactly once (abandoned request)";

    /// <summary>4, for the same request sent twice at once with one Idempotency-Key: one applies, the other waits (409) or replays.</summary>
    public const string ExactlyOnceConcurrent = "4 exactly once (same key at once)";

    /// <summary>5. A revert restores exactly what the import changed on contacts untouched since, and keeps the others.</summary>
    public const string Revert = "5 revert";

    /// <summary>6. No contact, tag or field value is lost (tags only grow except by explicit replacement or delete).</summary>
    public const string NothingLost = "6 nothing lost";

    /// <summary>6, for a contact a delete of the same step answered deleted, yet alive with less than it held.</summary>
    public const string NothingLostAfterDelete = "6 nothing lost (merge racing a delete)";

    /// <summary>
    /// An edit refused by a contact grain's stale copy: a PATCH clearing the email answers 400 "needs a phone or an email"
    /// for a contact that has a phone (added by a batch write the active grain did not see).
    /// </summary>
    public const string AnswersStaleGrain = "0 answers (stale grain)";

    /// <summary>An answer the API's contract does not allow (a 5xx, an unexpected status, per-item results that contradict the rules).</summary>
    public const string Answers = "0 answers";
}

/// <summary>A broken invariant: which one, and what was seen.</summary>
public sealed record Violation(string Invariant, string Message)
{
    public override string ToString() => $"[{Invariant}] {Message}";
}

/// <summary>
/// How the model test runs, from environment variables:
/// <list type="bullet">
/// <item><c>VELO_MODEL_SEED</c>: replay one sequence from the seed a failure printed (with <c>VELO_MODEL_STEPS</c>, its shrunk form);</item>
/// <item><c>VELO_MODEL_SEQUENCES</c>: how many sequences (default 50);</item>
/// <item><c>VELO_MODEL_SOAK</c>: run for this many minutes instead (a long soak);</item>
/// <item><c>VELO_MODEL_ENFORCE</c>: enforce invariants still listed in <see cref="Pending"/> too: <c>all</c>, or their numbers
/// (<c>1</c>, <c>4</c>: "4" covers the abandoned-request check);</item>
/// <item><c>VELO_MODEL_OPTOUT_SCOPE</c>: <c>all</c> (default) or <c>channel</c>, see <see cref="OptOutScope"/>;</item>
/// <item><c>VELO_MODEL_SHRINK_RUNS</c>: how many replays the shrinker may spend on a failure (default 40).</item>
/// </list>
/// </summary>
public sealed record ModelSettings(
    string? Seed,
    string? Steps,
    int Sequences,
    double SoakMinutes,
    string? Enforce,
    OptOutScope Scope,
    int ShrinkRuns)
{
    /// <summary>The shape of every generated sequence. A seed replays only with the same shape, so soaks use it too.</summary>
    public const int MinSteps = 4;

    public const int MaxSteps = 12;

    /// <summary>
    /// Invariants checked and reported but not failing the test, because today's code is known to break them and their fix
    /// lands separately (issue 17). Remove a key here once its fix is merged; <c>VELO_MODEL_ENFORCE=all</c> (or the
    /// invariant's number) enforces them without editing.
    /// </summary>
    public static readonly IReadOnlySet<string> Pending = new HashSet<string>
    {
        // Empty: every finding so far is fixed and enforced (the early-ended response, opt-outs leaving with their address,
        // abandoned and concurrent retries, merges and import rows racing a delete, edits refused by a stale grain copy).
        // A finding that cannot be fixed at once is listed here with what it is, so CI reports it without failing.
    };

    public bool EnforceAll => string.Equals(Enforce, "all", StringComparison.OrdinalIgnoreCase);

    public bool Enforced(string invariant) =>
        EnforceAll || !Pending.Contains(invariant) || (Enforce?.Split(',').Any(n => invariant.StartsWith(n.Trim() + " ", StringComparison.Ordinal)) ?? false);

    public static ModelSettings FromEnvironment()
    {
        static string? Read(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value.Trim() : null;
        return new ModelSettings(
            Read("VELO_MODEL_SEED"),
            Read("VELO_MODEL_STEPS"),
            Read("VELO_MODEL_SEQUENCES") is { } count ? int.Parse(count, CultureInfo.InvariantCulture) : 50,
            Read("VELO_MODEL_SOAK") is { } minutes ? double.Parse(minutes, CultureInfo.InvariantCulture) : 0,
            Read("VELO_MODEL_ENFORCE"),
            string.Equals(Read("VELO_MODEL_OPTOUT_SCOPE"), "channel", StringComparison.OrdinalIgnoreCase) ? OptOutScope.Channel : OptOutScope.All,
            Read("VELO_MODEL_SHRINK_RUNS") is { } runs ? int.Parse(runs, CultureInfo.InvariantCulture) : 40);
    }
}
