using VeloConnect.ContactRules.Contacts;
using Xunit;

namespace VeloConnect.ContactRules.Tests;

public sealed class PhonesTests
{
    [Theory]
    [InlineData("(415) 555-0100")]
    [InlineData("415.555.0100")]
    [InlineData("415-555-0100")]
    [InlineData("4155550100")]
    [InlineData("1 415 555 0100")]
    public void National_numbers_are_read_in_the_default_region(string raw)
    {
        Assert.True(Phones.TryNormalize(raw, "US", out var e164, out var error));
        Assert.Equal("+14155550100", e164);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("+1 415 555 0100", "+14155550100")]
    [InlineData("+1-415-555-0100", "+14155550100")]
    [InlineData("+1 (415) 555.0100", "+14155550100")]
    [InlineData("+14155550100", "+14155550100")]
    [InlineData("0044 20 7946 0958", "+442079460958")]
    [InlineData("+44 (0)20 7946 0958", "+442079460958")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    public void International_numbers_ignore_the_default_region(string raw, string expected)
    {
        Assert.True(Phones.TryNormalize(raw, "US", out var e164, out var error));
        Assert.Equal(expected, e164);
        Assert.Null(error);
    }

    [Fact]
    public void Numbers_with_a_country_code_need_no_known_region()
    {
        Assert.True(Phones.TryNormalize("+44 20 7946 0958", "ZZ", out var e164, out var error));
        Assert.Equal("+442079460958", e164);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("020 7946 0958", "GB", "+442079460958")]
    [InlineData("020 7946 0958", "gb", "+442079460958")]
    [InlineData("0171 1234567", "DE", "+491711234567")]
    public void National_numbers_of_other_regions_use_that_regions_rules(string raw, string region, string expected)
    {
        Assert.True(Phones.TryNormalize(raw, region, out var e164, out var error));
        Assert.Equal(expected, e164);
        Assert.Null(error);
    }

    [Fact]
    public void Differently_written_forms_of_one_number_normalise_to_the_same_value()
    {
        string[] written = ["(415) 555-0100", "415.555.0100", "+1 415 555 0100"];

        var results = written.Select(raw => Phones.TryNormalize(raw, "US", out var e164, out _) ? e164 : "failed").ToList();

        Assert.Equal<string?>(["+14155550100", "+14155550100", "+14155550100"], results);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t")]
    public void Blank_is_no_phone_and_no_error(string? raw)
    {
        Assert.True(Phones.TryNormalize(raw, "US", out var e164, out var error));
        Assert.Null(e164);
        Assert.Null(error);
    }

    [Fact]
    public void Too_short_national_number_is_rejected_with_advice_about_the_region()
    {
        Assert.False(Phones.TryNormalize("12345", "US", out var e164, out var error));
        Assert.Null(e164);
        Assert.Equal(
            "'12345' is not a valid phone number in region US (add the country code, e.g. +44…, or choose the import's default region).",
            error);
    }

    [Fact]
    public void National_number_of_another_region_is_rejected_with_advice_about_the_region()
    {
        Assert.False(Phones.TryNormalize(" 020 7946 0958 ", "us", out var e164, out var error));
        Assert.Null(e164);
        Assert.Equal(
            "'020 7946 0958' is not a valid phone number in region US (add the country code, e.g. +44…, or choose the import's default region).",
            error);
    }

    [Theory]
    [InlineData("ZZ")]
    [InlineData("XX")]
    [InlineData("")]
    public void National_number_with_an_unknown_default_region_is_rejected_with_advice_about_the_region(string region)
    {
        Assert.False(Phones.TryNormalize("020 7946 0958", region, out var e164, out var error));
        Assert.Null(e164);
        Assert.Equal(
            $"'020 7946 0958' has no country code and '{region}' is not a known region (add the country code, e.g. +44…, or choose the import's default region).",
            error);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1")]
    public void Text_that_is_not_a_number_is_rejected(string raw)
    {
        Assert.False(Phones.TryNormalize(raw, "US", out var e164, out var error));
        Assert.Null(e164);
        Assert.Equal($"'{raw}' is not a phone number (write it with digits, e.g. +1 415 555 0100 or (415) 555-0100).", error);
    }

    [Fact]
    public void Unknown_country_code_is_rejected()
    {
        Assert.False(Phones.TryNormalize("+999 123 456", "US", out var e164, out var error));
        Assert.Null(e164);
        Assert.Equal("'+999 123 456' is not a phone number (write it with digits, e.g. +1 415 555 0100 or (415) 555-0100).", error);
    }

    [Theory]
    [InlineData("+1 555")]
    [InlineData("+1 415 555 010")]
    [InlineData("0044 20")]
    public void Invalid_international_number_is_rejected_without_blaming_the_region(string raw)
    {
        Assert.False(Phones.TryNormalize(raw, "US", out var e164, out var error));
        Assert.Null(e164);
        Assert.Equal($"'{raw}' is not a valid phone number (check the country code and the number of digits).", error);
    }

    [Theory]
    [InlineData("+14155550100", true)]
    [InlineData("+442079460958", true)]
    [InlineData("+1 415 555 0100", false)]
    [InlineData("14155550100", false)]
    [InlineData("+1415555010", false)]
    [InlineData("+1415555010a", false)]
    [InlineData("+", false)]
    [InlineData("+1", false)]
    [InlineData("", false)]
    [InlineData("+12345678901234567", false)]
    public void IsE164_accepts_only_valid_numbers_already_in_E164(string text, bool expected)
    {
        Assert.Equal(expected, Phones.IsE164(text));
    }

    [Theory]
    [InlineData("US", true)]
    [InlineData("GB", true)]
    [InlineData("de", true)]
    [InlineData("ZZ", false)]
    [InlineData("XX", false)]
    [InlineData("001", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsKnownRegion_accepts_region_codes_case_insensitively(string? region, bool expected)
    {
        Assert.Equal(expected, Phones.IsKnownRegion(region));
    }
}
