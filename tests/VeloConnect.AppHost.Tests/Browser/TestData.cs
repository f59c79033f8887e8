using System.Globalization;
using System.Security.Cryptography;

namespace VeloConnect.AppHost.Tests.Browser;

/// <summary>
/// One test's own values: a token in names and emails, a tag and phone numbers no other test uses, so tests that share
/// the demo workspace never see (or update) each other's contacts.
/// </summary>
public sealed class TestData
{
    private static readonly HashSet<string> PhonesHandedOut = [];

    private TestData(string token)
    {
        Token = token;
        Tag = $"e2e-{token}";
    }

    public string Token { get; }

    public string Tag { get; }

    public static TestData Create() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));

    /// <summary>A US number in E.164 (area code 415), unique in this test run.</summary>
    public static string NewPhone()
    {
        lock (PhonesHandedOut)
        {
            while (true)
            {
                // Exchanges 201-989 that are not N11 service codes; any line number.
                var exchange = RandomNumberGenerator.GetInt32(201, 990);
                if (exchange % 100 == 11)
                {
                    continue;
                }

                var phone = string.Create(CultureInfo.InvariantCulture, $"+1415{exchange:000}{RandomNumberGenerator.GetInt32(0, 10_000):0000}");
                if (PhonesHandedOut.Add(phone))
                {
                    return phone;
                }
            }
        }
    }

    /// <summary>A CSV from tests/corpus/web with this test's token, tag, fresh phone numbers and Spanish mobiles ({spanishN}) filled in.</summary>
    public string Csv(string templateName)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "corpus", "web", templateName));
        text = text.Replace("{token}", Token, StringComparison.Ordinal).Replace("{tag}", Tag, StringComparison.Ordinal);
        for (var i = 1; text.Contains($"{{phone{i}}}", StringComparison.Ordinal); i++)
        {
            text = text.Replace($"{{phone{i}}}", NewPhone(), StringComparison.Ordinal);
        }

        // A Spanish mobile written without its country code: invalid in the wizard's US region until +34 is put in front.
        for (var i = 1; text.Contains($"{{spanish{i}}}", StringComparison.Ordinal); i++)
        {
            text = text.Replace($"{{spanish{i}}}", string.Create(CultureInfo.InvariantCulture, $"6{RandomNumberGenerator.GetInt32(10_000_000, 100_000_000)}"), StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>A file name that names the test's token, to find its import and notification.</summary>
    public string FileName(string stem) => $"{stem}-{Token}.csv";
}
