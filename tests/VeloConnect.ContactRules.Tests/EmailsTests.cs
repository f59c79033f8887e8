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
}
