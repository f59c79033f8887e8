using VeloConnect.ContactRules.Contacts;
using Xunit;

namespace VeloConnect.ContactRules.Tests;

public sealed class OptInsTests
{
    [Fact]
    public void Channels_are_whatsapp_sms_and_email_in_that_order()
    {
        Assert.Equal([Channel.WhatsApp, Channel.Sms, Channel.Email], OptIns.Channels);
    }

    [Theory]
    [InlineData(Channel.WhatsApp, "whatsapp")]
    [InlineData(Channel.Sms, "sms")]
    [InlineData(Channel.Email, "email")]
    public void Channel_names_are_lower_case(Channel channel, string expected)
    {
        Assert.Equal(expected, OptIns.Name(channel));
    }

    [Theory]
    [InlineData(OptInStatus.OptedIn, "opted_in")]
    [InlineData(OptInStatus.OptedOut, "opted_out")]
    [InlineData(OptInStatus.Unknown, "unknown")]
    public void Status_names_are_snake_case(OptInStatus status, string expected)
    {
        Assert.Equal(expected, OptIns.Name(status));
    }

    [Fact]
    public void Unknown_is_the_default_status()
    {
        Assert.Equal(OptInStatus.Unknown, default(OptInStatus));
    }

    [Theory]
    [InlineData("whatsapp", Channel.WhatsApp)]
    [InlineData("WhatsApp", Channel.WhatsApp)]
    [InlineData("SMS", Channel.Sms)]
    [InlineData("sms", Channel.Sms)]
    [InlineData("Email", Channel.Email)]
    public void Channel_names_parse_case_insensitively(string text, Channel expected)
    {
        Assert.True(OptIns.TryParseChannel(text, out var channel));
        Assert.Equal(expected, channel);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("whats app")]
    [InlineData("whats_app")]
    [InlineData(" sms")]
    [InlineData("telegram")]
    [InlineData("0")]
    public void Unknown_channel_names_do_not_parse(string? text)
    {
        Assert.False(OptIns.TryParseChannel(text, out var channel));
        Assert.Equal(default, channel);
    }

    [Theory]
    [InlineData("opted_in", OptInStatus.OptedIn)]
    [InlineData("OPTED_IN", OptInStatus.OptedIn)]
    [InlineData("opted_out", OptInStatus.OptedOut)]
    [InlineData("Opted_Out", OptInStatus.OptedOut)]
    [InlineData("unknown", OptInStatus.Unknown)]
    public void Status_names_parse_case_insensitively(string text, OptInStatus expected)
    {
        Assert.True(OptIns.TryParseStatus(text, out var status));
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("optedin")]
    [InlineData("opted-out")]
    [InlineData("OptedOut")]
    [InlineData("yes")]
    [InlineData("1")]
    public void Unknown_status_names_do_not_parse(string? text)
    {
        Assert.False(OptIns.TryParseStatus(text, out var status));
        Assert.Equal(OptInStatus.Unknown, status);
    }

    [Fact]
    public void Every_channel_and_status_name_parses_back_to_itself()
    {
        foreach (var channel in Enum.GetValues<Channel>())
        {
            Assert.True(OptIns.TryParseChannel(OptIns.Name(channel), out var parsed));
            Assert.Equal(channel, parsed);
        }

        foreach (var status in Enum.GetValues<OptInStatus>())
        {
            Assert.True(OptIns.TryParseStatus(OptIns.Name(status), out var parsed));
            Assert.Equal(status, parsed);
        }
    }
}
