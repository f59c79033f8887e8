using System.Net.Mail;
using CsCheck;
using VeloConnect.ContactRules.Contacts;
using Xunit;

namespace VeloConnect.ContactRules.Tests;

public sealed class EmailsTests
{
    [Fact]
    public void Email_is_trimmed_and_keeps_its_case()
    {
        Assert.True(Emails.TryNormalize("  Ann.Lee@Example.COM \t", out var email, out var error));
        Assert.Equal("Ann.Lee@Example.COM", email);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("ann@example.com")]
    [InlineData("ann.lee+news@mail.example.co.uk")]
    [InlineData("a_b-c@example.org")]
    public void Ordinary_addresses_are_accepted_unchanged(string raw)
    {
        Assert.True(Emails.TryNormalize(raw, out var email, out var error));
        Assert.Equal(raw, email);
        Assert.Null(error);
    }

    [Fact]
    public void Key_is_trimmed_and_lower_cased()
    {
        Assert.Equal("ann.lee@example.com", Emails.Key("  Ann.Lee@Example.COM "));
    }

    [Fact]
    public void Spellings_differing_only_in_case_and_spaces_share_a_key()
    {
        Assert.Equal(Emails.Key("ann@example.com"), Emails.Key(" ANN@EXAMPLE.COM "));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_is_no_email_and_no_error(string? raw)
    {
        Assert.True(Emails.TryNormalize(raw, out var email, out var error));
        Assert.Null(email);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("ann@example")]
    [InlineData("ann@@example.com")]
    [InlineData("ann@b@example.com")]
    [InlineData("@example.com")]
    [InlineData("ann@")]
    [InlineData("ann")]
    [InlineData("ann smith@example.com")]
    [InlineData("ann@example.com.")]
    [InlineData("ann@example..com")]
    [InlineData(".ann@example.com")]
    [InlineData("Ann <ann@example.com>")]
    public void Malformed_address_is_rejected_with_the_expected_form(string raw)
    {
        Assert.False(Emails.TryNormalize(raw, out var email, out var error));
        Assert.Null(email);
        Assert.Equal($"'{raw}' is not a valid email address (expected name@example.com).", error);
    }

    [Fact]
    public void Malformed_address_error_quotes_the_trimmed_value()
    {
        Assert.False(Emails.TryNormalize("  ann@example  ", out _, out var error));
        Assert.Equal("'ann@example' is not a valid email address (expected name@example.com).", error);
    }

    [Fact]
    public void Address_of_the_maximum_length_is_accepted()
    {
        var raw = new string('a', 64) + "@" + new string('b', Emails.MaxLength - 64 - 1 - 4) + ".com";
        Assert.Equal(254, raw.Length);

        Assert.True(Emails.TryNormalize(raw, out var email, out var error));
        Assert.Equal(raw, email);
        Assert.Null(error);
    }

    [Fact]
    public void Address_longer_than_the_maximum_is_rejected()
    {
        var raw = new string('a', 64) + "@" + new string('b', Emails.MaxLength - 64 - 4) + ".com";
        Assert.Equal(255, raw.Length);

        Assert.False(Emails.TryNormalize(raw, out var email, out var error));
        Assert.Null(email);
        Assert.Equal("Email is longer than 254 characters; no valid address is that long, so check the cell.", error);
    }

    [Fact]
    public void Surrounding_spaces_do_not_count_towards_the_length()
    {
        var raw = new string('a', 64) + "@" + new string('b', Emails.MaxLength - 64 - 1 - 4) + ".com";

        Assert.True(Emails.TryNormalize("   " + raw + "   ", out var email, out _));
        Assert.Equal(raw, email);
    }

    // The check decides common addresses without .NET's parser (a fast path): over generated addresses, shaped like the
    // common ones and not, it accepts and refuses exactly what the parser-only check does.
    [Fact]
    public void The_fast_path_accepts_exactly_what_the_parser_accepts()
    {
        var plain = Gen.Char["abcXYZ019._%+-"];
        var odd = Gen.Char["abc0._-+@ \"'(),:;<>[]é!#$&*/=?^`{|}~"];
        var part = Gen.Frequency((4, Gen.String[plain, 0, 8]), (1, Gen.String[odd, 0, 6]));
        var domain = Gen.Frequency((4, Gen.String[Gen.Char["abz09-"], 0, 6].List[1, 4].Select(labels => string.Join('.', labels))),
            (1, Gen.String[odd, 0, 8]));
        Gen.Select(part, domain, Gen.Int[0, 9]).Select((local, host, shape) => shape switch
        {
            0 => local + host,
            1 => local + "@@" + host,
            _ => local + "@" + host,
        }).Sample(address =>
        {
            var valid = Emails.TryNormalize(address, out var email, out _);
            return valid == ParserAccepts(address.Trim()) && (!valid || email == address.Trim() || address.Trim().Length == 0);
        }, iter: 20_000);
    }

    // What the check was before its fast path: the rules with .NET's parser deciding every address.
    private static bool ParserAccepts(string trimmed)
    {
        var at = trimmed.IndexOf('@');
        return trimmed.Length == 0 || (trimmed.Length <= Emails.MaxLength && at > 0 && at == trimmed.LastIndexOf('@') && at < trimmed.Length - 1
            && !trimmed.Any(char.IsWhiteSpace) && trimmed[(at + 1)..].Contains('.') && !trimmed.EndsWith('.')
            && MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed);
    }
}
