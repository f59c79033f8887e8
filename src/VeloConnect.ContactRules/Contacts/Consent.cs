namespace VeloConnect.ContactRules.Contacts;

/// <summary>One channel's consent as stored: a contact's own record (opted in or out), or the opt-out an address carries.</summary>
public sealed record ChannelConsent(OptInStatus Status, DateTimeOffset SetAt, string Source, Guid? SetBy);

/// <summary>
/// The opt-outs some addresses carry, and the channels some contacts are opted out of (their own record or any address
/// they hold): what a batch of writes needs to know to warn a contact that takes an opted-out address.
/// </summary>
public sealed record OptOutView(IReadOnlyDictionary<Identifier, IReadOnlySet<Channel>> Addresses, IReadOnlyDictionary<Guid, IReadOnlySet<Channel>> Contacts)
{
    private static readonly IReadOnlySet<Channel> NoChannels = new HashSet<Channel>();

    public static OptOutView None { get; } = new(new Dictionary<Identifier, IReadOnlySet<Channel>>(), new Dictionary<Guid, IReadOnlySet<Channel>>());

    /// <summary>The channels an address is opted out of (none: it carries no opt-out).</summary>
    public IReadOnlySet<Channel> Of(Identifier address) => Addresses.GetValueOrDefault(address) ?? NoChannels;

    /// <summary>The channels a stored contact is opted out of, through its own record or any of its addresses.</summary>
    public IReadOnlySet<Channel> OfContact(Guid contactId) => Contacts.GetValueOrDefault(contactId) ?? NoChannels;
}

/// <summary>
/// Consent per address. An opt-out belongs to the phone or email it was given for (as a carrier keeps a STOP and a mail
/// provider an unsubscribe) and stays with it wherever it goes, until an explicit opt-in for a contact that holds it:
/// <list type="bullet">
/// <item>a contact's status on a channel is derived: opted out if its own record says so or any address it holds
/// carries an opt-out for the channel ("most restrictive wins"); else opted in if its own record says so; else unknown;</item>
/// <item>every address a contact holds while it is opted out on a channel carries that opt-out, so it keeps it when it
/// leaves the contact (a merge, an edit, a revert, a delete) and brings it to the contact that takes it next;</item>
/// <item>a contact that takes an address carrying an opt-out on a channel it was not opted out of becomes opted out of
/// it (its own record takes the address's opt-out, even over an opt-in): the write gets a warning naming the address
/// and the channel (<see cref="TakeWarnings"/>) and is audited.</item>
/// </list>
/// The database applies the same rule on every write of an identifier (migration 10); reads derive the status here.
/// </summary>
public static class Consent
{
    /// <summary>
    /// A channel's effective consent from the contact's own record and the opt-outs its addresses carry: the contact's
    /// own opt-out if it has one, else the latest address opt-out, else its own opt-in; null means unknown.
    /// </summary>
    public static ChannelConsent? Effective(ChannelConsent? own, IEnumerable<ChannelConsent> addressOptOuts)
    {
        if (own is { Status: OptInStatus.OptedOut })
        {
            return own;
        }

        return addressOptOuts.MaxBy(o => o.SetAt) is { } latest ? latest with { Status = OptInStatus.OptedOut } : own;
    }

    /// <summary>
    /// The warnings of a contact that takes addresses: one for each gained address carrying an opt-out on a channel the
    /// contact was not opted out of before (<paramref name="optedOut"/>), naming the address and those channels.
    /// </summary>
    public static IReadOnlyList<string> TakeWarnings(IReadOnlySet<Channel> optedOut, IEnumerable<(Identifier Address, IReadOnlySet<Channel> Channels)> gained)
    {
        var warnings = new List<string>();
        foreach (var (address, channels) in gained)
        {
            var taken = OptIns.Channels.Where(c => channels.Contains(c) && !optedOut.Contains(c)).ToList();
            if (taken.Count > 0)
            {
                warnings.Add(TookWarning(address, taken));
            }
        }

        return warnings;
    }

    /// <summary>Why clearing a channel to unknown is refused while the contact is opted out of it, and what to do instead.</summary>
    public static string UnknownRefused(Channel channel, ChannelConsent optOut) =>
        $"This contact is opted out of {OptIns.Name(channel)} (\"{optOut.Source}\", {optOut.SetAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC). An opt-out is lifted only by an explicit opt-in: " +
        $"if the person gave consent again, send {{\"status\": \"opted_in\", \"source\": \"<how they consented>\"}}; \"unknown\" cannot clear an opt-out.";

    /// <summary>"Email ann@x.com is opted out of email; …": the warning of a contact that took an opted-out address.</summary>
    public static string TookWarning(Identifier address, IReadOnlyList<Channel> channels)
    {
        var names = string.Join(" and ", channels.Select(OptIns.Name));
        return $"{address.Describe()} is opted out of {names}: this contact is now opted out of {names} too. An opt-out stays with its phone or email; only an explicit opt-in (PUT /api/contacts/{{id}}/opt-ins/{{channel}}) lifts it.";
    }
}

/// <summary>
/// Follows <see cref="Consent"/> through a batch of writes planned in memory (<see cref="ContactMatcher"/>): which channels
/// each touched contact and each address is opted out of as the batch goes, so that a later input of the same batch is
/// warned exactly as the database will apply it.
/// </summary>
public sealed class ConsentTracker
{
    // A contact opted out of nothing; never changed (a contact's set is replaced, not changed, by Apply).
    private static readonly HashSet<Channel> NoChannels = [];
    private readonly Dictionary<Identifier, HashSet<Channel>> _addresses = [];
    private readonly Dictionary<Guid, HashSet<Channel>> _contacts;

    /// <param name="view">The opt-outs known so far.</param>
    /// <param name="contacts">How many contacts the tracker is expected to follow (sized for them once).</param>
    public ConsentTracker(OptOutView view, int contacts = 0)
    {
        _contacts = new Dictionary<Guid, HashSet<Channel>>(contacts);
        Learn(view);
    }

    /// <summary>Adds what a later lookup found; what the batch itself decided stays as decided.</summary>
    public void Learn(OptOutView view)
    {
        foreach (var (address, channels) in view.Addresses)
        {
            _addresses.TryAdd(address, [.. channels]);
        }

        foreach (var (contact, channels) in view.Contacts)
        {
            _contacts.TryAdd(contact, [.. channels]);
        }
    }

    /// <summary>
    /// A contact goes from holding <paramref name="had"/> to holding <paramref name="holds"/>: returns the warnings of the
    /// opted-out addresses it took, and records that it (and every address it holds) is now opted out of their channels.
    /// </summary>
    public IReadOnlyList<string> Apply(Guid contactId, IReadOnlyCollection<Identifier> had, IReadOnlyCollection<Identifier> holds)
    {
        // The common case, decided without a set: no opt-out on the contact or on any address it had or holds, so no
        // warning, and the contact stays opted out of nothing.
        if (OptedOutOfNothing(contactId, had) && OptedOutOfNothing(holds))
        {
            _contacts[contactId] = NoChannels;
            return [];
        }

        var before = new HashSet<Channel>(_contacts.GetValueOrDefault(contactId) ?? []);
        foreach (var address in had)
        {
            before.UnionWith(Of(address));
        }

        var gained = holds.Where(i => !had.Contains(i)).Select(i => (i, Of(i))).ToList();
        var warnings = Consent.TakeWarnings(before, gained);
        var after = new HashSet<Channel>(before);
        foreach (var (_, channels) in gained)
        {
            after.UnionWith(channels);
        }

        _contacts[contactId] = after;
        if (after.Count > 0)
        {
            foreach (var address in holds)
            {
                if (!_addresses.TryGetValue(address, out var channels))
                {
                    _addresses[address] = channels = [];
                }

                channels.UnionWith(after);
            }
        }

        return warnings;
    }

    private bool OptedOutOfNothing(Guid contactId, IReadOnlyCollection<Identifier> had) =>
        (!_contacts.TryGetValue(contactId, out var own) || own.Count == 0) && OptedOutOfNothing(had);

    private bool OptedOutOfNothing(IReadOnlyCollection<Identifier> addresses)
    {
        foreach (var address in addresses)
        {
            if (Of(address).Count > 0)
            {
                return false;
            }
        }

        return true;
    }

    private IReadOnlySet<Channel> Of(Identifier address) => _addresses.TryGetValue(address, out var channels) ? channels : OptOutView.None.Of(address);
}
