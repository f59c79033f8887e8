using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using VeloConnect.Data.Exports;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>The signed download link's token, without a host.</summary>
public sealed class ExportLinkSignerTests
{
    private const string Key = "a-test-signing-key-of-at-least-32-characters";

    private static readonly DateTimeOffset Now = new(2026, 3, 31, 12, 0, 0, TimeSpan.Zero);

    private static readonly ExportLink Link = new(Guid.NewGuid(), Guid.NewGuid(), Now.AddDays(7));

    private static ExportLinkSigner Signer(string key = Key, DateTimeOffset? now = null) => new(key, new FixedClock(now ?? Now));

    [Fact]
    public void A_signed_link_verifies_to_its_export_workspace_and_expiry()
    {
        Assert.Equal(ExportLinkCheck.Valid, Signer().Verify(Signer().Sign(Link), out var link));
        Assert.Equal(Link, link);
    }

    [Fact]
    public void A_link_past_its_expiry_is_expired()
    {
        var token = Signer().Sign(Link);
        Assert.Equal(ExportLinkCheck.Expired, Signer(now: Link.ExpiresAt).Verify(token, out var link));
        Assert.Equal(Link.ExportId, link!.ExportId);
        Assert.Equal(ExportLinkCheck.Valid, Signer(now: Link.ExpiresAt.AddSeconds(-1)).Verify(token, out _));
    }

    [Fact]
    public void Every_altered_character_makes_the_link_forged()
    {
        var token = Signer().Sign(Link);
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.')
            {
                continue;
            }

            var altered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Equal(ExportLinkCheck.Forged, Signer().Verify(altered, out var link));
            Assert.Null(link);
        }
    }

    [Fact]
    public void A_link_for_another_workspace_or_a_later_expiry_cannot_be_made_without_the_key()
    {
        var forger = Signer("someone-else's-key-of-at-least-32-characters");
        Assert.Equal(ExportLinkCheck.Forged, Signer().Verify(forger.Sign(Link with { ExpiresAt = Now.AddYears(1) }), out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("abc")]
    [InlineData("abc.def")]
    [InlineData("!!!.???")]
    [InlineData("a.b.c")]
    public void Garbage_is_forged(string? token)
    {
        Assert.Equal(ExportLinkCheck.Forged, Signer().Verify(token, out _));
    }

    [Fact]
    public void Development_has_a_fixed_key_and_production_refuses_to_start_without_one()
    {
        var empty = new ConfigurationBuilder().Build();
        var signer = ExportLinkSigner.FromConfiguration(empty, new Environment("Development"), new FixedClock(Now));
        Assert.Equal(ExportLinkCheck.Valid, new ExportLinkSigner(ExportLinkSigner.DevelopmentKey, new FixedClock(Now)).Verify(signer.Sign(Link), out _));

        var failure = Assert.Throws<InvalidOperationException>(() => ExportLinkSigner.FromConfiguration(empty, new Environment("Production"), TimeProvider.System));
        Assert.Contains("VeloConnect__Exports__SigningKey", failure.Message);

        var configured = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ExportLinkSigner.KeySetting] = Key }).Build();
        Assert.Equal(ExportLinkCheck.Valid, Signer().Verify(ExportLinkSigner.FromConfiguration(configured, new Environment("Production"), new FixedClock(Now)).Sign(Link), out _));
        Assert.Throws<InvalidOperationException>(() => new ExportLinkSigner("too-short", TimeProvider.System));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
