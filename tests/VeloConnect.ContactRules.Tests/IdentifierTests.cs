using VeloConnect.ContactRules.Contacts;
using Xunit;

namespace VeloConnect.ContactRules.Tests;

public sealed class IdentifierTests
{
    [Fact]
    public void Phone_identifier_is_keyed_by_the_number_as_given()
    {
        var identifier = Identifier.Phone("+14155550100");

        Assert.Equal(IdentifierKind.Phone, identifier.Kind);
        Assert.Equal("+14155550100", identifier.Key);
        Assert.Equal("p:+14155550100", identifier.ToString());
    }

    [Fact]
    public void Email_identifier_is_keyed_by_the_trimmed_lower_cased_address()
    {
        var identifier = Identifier.ForEmail(" Ann.Lee@Example.COM ");

        Assert.Equal(IdentifierKind.Email, identifier.Kind);
        Assert.Equal("ann.lee@example.com", identifier.Key);
        Assert.Equal("e:ann.lee@example.com", identifier.ToString());
    }

    [Fact]
    public void Emails_differing_only_in_case_are_the_same_identifier()
    {
        Assert.Equal(Identifier.ForEmail("ann@example.com"), Identifier.ForEmail("ANN@example.com"));
    }

    [Fact]
    public void Phone_and_email_with_the_same_key_are_different_identifiers()
    {
        Assert.NotEqual(new Identifier(IdentifierKind.Phone, "x"), new Identifier(IdentifierKind.Email, "x"));
    }

    [Theory]
    [InlineData("p:+14155550100", IdentifierKind.Phone, "+14155550100")]
    [InlineData("e:ann@example.com", IdentifierKind.Email, "ann@example.com")]
    [InlineData("e:a:b@example.com", IdentifierKind.Email, "a:b@example.com")]
    public void Parse_reads_the_text_form(string text, IdentifierKind kind, string key)
    {
        Assert.Equal(new Identifier(kind, key), Identifier.Parse(text));
    }

    [Fact]
    public void Parse_and_ToString_round_trip()
    {
        Identifier[] identifiers = [Identifier.Phone("+442079460958"), Identifier.ForEmail("Ann@Example.com")];

        foreach (var identifier in identifiers)
        {
            Assert.Equal(identifier, Identifier.Parse(identifier.ToString()));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("p")]
    [InlineData("+14155550100")]
    [InlineData("P:+14155550100")]
    [InlineData("x:+14155550100")]
    [InlineData("phone:+14155550100")]
    [InlineData(" p:+14155550100")]
    public void Parse_rejects_text_without_a_known_prefix(string text)
    {
        var exception = Assert.Throws<FormatException>(() => Identifier.Parse(text));

        Assert.Equal($"'{text}' is not an identifier (expected 'p:<e164>' or 'e:<email>').", exception.Message);
    }
}
