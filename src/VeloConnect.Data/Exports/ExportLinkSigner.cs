using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace VeloConnect.Data.Exports;

public enum ExportLinkCheck
{
    Valid,

    /// <summary>Not a token this service signed, or altered since (403).</summary>
    Forged,

    /// <summary>Signed by this service but past its expiry (410).</summary>
    Expired,
}

/// <summary>What a signed download link grants: one export of one workspace, until a time.</summary>
public sealed record ExportLink(Guid ExportId, Guid WorkspaceId, DateTimeOffset ExpiresAt);

/// <summary>
/// Download links that work without an API key (an email or a notification carries them). The API checks them and
/// signs the links it lists; the silo signs the link it emails, so both need the same key. The token holds the export
/// id, its workspace and the expiry, and an HMAC-SHA256 over them with a key only the services know, so nobody can forge
/// one or stretch its expiry, and a link for one workspace never opens another's export.
/// </summary>
public sealed class ExportLinkSigner
{
    public const string KeySetting = "VeloConnect:Exports:SigningKey";

    /// <summary>Development only: a link signed on a developer machine is worth nothing elsewhere.</summary>
    public const string DevelopmentKey = "veloconnect-development-export-link-key-do-not-use-in-production";

    private const byte Version = 1;
    private const int PayloadLength = 1 + 16 + 16 + 8;
    private const int MinKeyLength = 32;

    private readonly byte[] _key;
    private readonly TimeProvider _clock;

    public ExportLinkSigner(string key, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length < MinKeyLength)
        {
            throw new InvalidOperationException($"{KeySetting} must be at least {MinKeyLength} characters (a random secret shared by every API replica).");
        }

        _key = Encoding.UTF8.GetBytes(key);
        _clock = clock;
    }

    /// <summary>The signer from configuration; in Development a fixed key when none is configured, elsewhere a clear failure at start.</summary>
    public static ExportLinkSigner FromConfiguration(IConfiguration configuration, IHostEnvironment environment, TimeProvider clock)
    {
        var key = configuration[KeySetting];
        if (string.IsNullOrWhiteSpace(key))
        {
            key = environment.IsDevelopment()
                ? DevelopmentKey
                : throw new InvalidOperationException(
                    $"No signing key for export download links: set {KeySetting} (environment variable VeloConnect__Exports__SigningKey) to a random secret of at least {MinKeyLength} characters, the same for every API replica.");
        }

        return new ExportLinkSigner(key, clock);
    }

    public string Sign(ExportLink link)
    {
        var payload = new byte[PayloadLength];
        payload[0] = Version;
        link.ExportId.TryWriteBytes(payload.AsSpan(1, 16));
        link.WorkspaceId.TryWriteBytes(payload.AsSpan(17, 16));
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(33, 8), link.ExpiresAt.ToUnixTimeSeconds());
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, payload));
    }

    /// <summary>Checks the signature first (an altered token is forged whatever its expiry), then the expiry.</summary>
    public ExportLinkCheck Verify(string? token, out ExportLink? link)
    {
        link = null;
        var parts = (token ?? "").Split('.');
        if (parts.Length != 2 || !TryDecode(parts[0], out var payload) || !TryDecode(parts[1], out var signature)
            || payload.Length != PayloadLength || payload[0] != Version
            || !CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payload)))
        {
            return ExportLinkCheck.Forged;
        }

        link = new ExportLink(
            new Guid(payload.AsSpan(1, 16)),
            new Guid(payload.AsSpan(17, 16)),
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(33, 8))));
        return link.ExpiresAt <= _clock.GetUtcNow() ? ExportLinkCheck.Expired : ExportLinkCheck.Valid;
    }

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || !Base64Url.IsValid(text))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }
}
