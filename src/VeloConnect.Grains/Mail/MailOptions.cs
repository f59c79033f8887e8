namespace VeloConnect.Grains.Mail;

/// <summary>
/// Outgoing email (configuration section <c>VeloConnect:Mail</c>). The SMTP server itself comes from the connection
/// string <c>mail</c>, as Aspire hands it to a project referencing a mail server: <c>smtp://host:port</c> (or
/// <c>Endpoint=smtp://host:port</c>), <c>smtps://</c> for TLS from the first byte, <c>user:password@</c> when the server
/// wants a login. Without one, email is off and exports are delivered by notification only.
/// </summary>
public sealed class MailOptions
{
    public const string Section = "VeloConnect:Mail";

    public const string ConnectionName = "mail";

    /// <summary>The sender of VeloConnect's emails, e.g. <c>VeloConnect &lt;no-reply@example.com&gt;</c>.</summary>
    public string From { get; set; } = "VeloConnect <no-reply@veloconnect.local>";

    /// <summary>How long one send may take (connect, send, quit) before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether the connection must be encrypted: <c>smtp://</c> servers must offer STARTTLS (a server that does not is
    /// refused before anything is sent), <c>smtps://</c> ones use TLS from the first byte. Unset: required outside
    /// Development, where a mail catcher without TLS is the norm. Set <c>false</c> only for a relay on a trusted network.
    /// </summary>
    public bool? RequireTls { get; set; }

    /// <summary>
    /// A certificate file (PEM or DER) to trust for the SMTP server besides the system's trusted roots: the private CA that
    /// issued the server's certificate, or the server's own self-signed certificate (a relay inside the deployment). The
    /// server's name must still match its certificate. Blank: the system's roots only.
    /// </summary>
    public string? TrustedCertificate { get; set; }

    /// <summary>The SMTP login's user (a deployment passes it apart from the connection string); blank: no login, or the one in the connection string.</summary>
    public string? UserName { get; set; }

    /// <summary>The SMTP login's password, with <see cref="UserName"/>.</summary>
    public string? Password { get; set; }

    /// <summary>The server from the <c>mail</c> connection string; null when email is off.</summary>
    public Uri? Server { get; set; }

    /// <summary>
    /// Where users reach the API (<c>VeloConnect:PublicBaseUrl</c>), the start of every link in an email. The silo
    /// cannot know it: the AppHost passes the API's endpoint; Development falls back to <see cref="DevelopmentBaseUrl"/>.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    public const string PublicBaseUrlSetting = "VeloConnect:PublicBaseUrl";

    /// <summary>Kestrel's own default address, where an API started by hand in Development listens.</summary>
    public const string DevelopmentBaseUrl = "http://localhost:5000";

    public const string ValidationMessage =
        $"{Section}: From must be an email address (e.g. 'VeloConnect <no-reply@example.com>') and Timeout positive; "
        + $"with ConnectionStrings:{ConnectionName} set, {PublicBaseUrlSetting} must be the API's public http(s) address, since emails link to it; "
        + $"{Section}:TrustedCertificate, when set, must be a certificate file that exists.";

    public bool IsValid() =>
        Timeout > TimeSpan.Zero
        && MimeKit.MailboxAddress.TryParse(From, out _)
        && (Server is null || PublicBaseUrl is { Scheme: "http" or "https" })
        && (string.IsNullOrWhiteSpace(TrustedCertificate) || File.Exists(TrustedCertificate));

    /// <summary>Reads <c>smtp://host:port</c> or Aspire's <c>Endpoint=smtp://host:port</c>; null for blank, throws for anything else.</summary>
    public static Uri? ParseConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        var text = connectionString.Trim();
        if (text.StartsWith("Endpoint=", StringComparison.OrdinalIgnoreCase))
        {
            text = text["Endpoint=".Length..].Split(';')[0];
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var server) && server.Scheme is "smtp" or "smtps"
            ? server
            : throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is '{connectionString}': use smtp://host:port (or smtps://host:port for TLS).");
    }
}
