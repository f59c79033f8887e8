namespace VeloConnect.ContactRules.Contacts;

public enum Channel
{
    WhatsApp,
    Sms,
    Email,
}

public enum OptInStatus
{
    Unknown,
    OptedIn,
    OptedOut,
}

/// <summary>Names of channels and statuses as the API, the database and exports spell them.</summary>
public static class OptIns
{
    public static readonly IReadOnlyList<Channel> Channels = [Channel.WhatsApp, Channel.Sms, Channel.Email];

    public static string Name(Channel channel) => channel switch
    {
        Channel.WhatsApp => "whatsapp",
        Channel.Sms => "sms",
        _ => "email",
    };

    public static string Name(OptInStatus status) => status switch
    {
        OptInStatus.OptedIn => "opted_in",
        OptInStatus.OptedOut => "opted_out",
        _ => "unknown",
    };

    public static bool TryParseChannel(string? text, out Channel channel)
    {
        foreach (var candidate in Channels)
        {
            if (string.Equals(Name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                channel = candidate;
                return true;
            }
        }

        channel = default;
        return false;
    }

    public static bool TryParseStatus(string? text, out OptInStatus status)
    {
        foreach (var candidate in (OptInStatus[])[OptInStatus.OptedIn, OptInStatus.OptedOut, OptInStatus.Unknown])
        {
            if (string.Equals(Name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
