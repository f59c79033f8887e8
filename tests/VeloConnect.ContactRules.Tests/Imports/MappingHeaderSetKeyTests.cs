using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class MappingHeaderSetKeyTests
{
    [Fact]
    public void Header_set_key_ignores_case_and_spaces()
    {
        Assert.Equal(
            MappingRules.HeaderSetKey(["Name", "Phone Number", "Email"]),
            MappingRules.HeaderSetKey([" name ", "PHONE  NUMBER", "email\t"]));
    }

    [Fact]
    public void Header_set_key_ignores_a_byte_order_mark()
    {
        Assert.Equal(MappingRules.HeaderSetKey(["Name", "Email"]), MappingRules.HeaderSetKey(["\uFEFFName", "Email"]));
    }

    [Fact]
    public void Header_set_key_is_a_sha256_hex_string()
    {
        var key = MappingRules.HeaderSetKey(["Name", "Email"]);

        Assert.Equal(64, key.Length);
        Assert.All(key, c => Assert.True(char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)));
    }

    [Fact]
    public void Header_set_key_depends_on_the_order()
    {
        Assert.NotEqual(MappingRules.HeaderSetKey(["Name", "Email"]), MappingRules.HeaderSetKey(["Email", "Name"]));
    }

    [Fact]
    public void Header_set_key_depends_on_every_header()
    {
        Assert.NotEqual(MappingRules.HeaderSetKey(["Name", "Email"]), MappingRules.HeaderSetKey(["Name", "Email", "Tags"]));
        Assert.NotEqual(MappingRules.HeaderSetKey(["Name", "Email"]), MappingRules.HeaderSetKey(["Name", "E-mail"]));
    }

    [Fact]
    public void Header_set_key_keeps_header_boundaries()
    {
        Assert.NotEqual(MappingRules.HeaderSetKey(["a,b"]), MappingRules.HeaderSetKey(["a", "b"]));
        Assert.NotEqual(MappingRules.HeaderSetKey(["ab", ""]), MappingRules.HeaderSetKey(["a", "b"]));
    }
}
