using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VeloConnect.Data.Exports;
using VeloConnect.Grains.Mail;

namespace VeloConnect.Grains.Exports;

public static class ExportEmailServices
{
    /// <summary>
    /// The export email and what it needs: the SMTP server (<c>ConnectionStrings:mail</c>), the API's public address
    /// and the link signing key, the same as the API's (fixed in Development, required elsewhere, as in the API). Checked
    /// at start, so a silo that would email broken links does not start.
    /// </summary>
    public static IServiceCollection AddExportEmail(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section)
            .Configure<IConfiguration, IHostEnvironment>((options, configuration, environment) =>
            {
                options.Server = MailOptions.ParseConnectionString(configuration.GetConnectionString(MailOptions.ConnectionName));
                options.RequireTls ??= !environment.IsDevelopment();
                var baseUrl = configuration[MailOptions.PublicBaseUrlSetting];
                if (string.IsNullOrWhiteSpace(baseUrl) && environment.IsDevelopment())
                {
                    baseUrl = MailOptions.DevelopmentBaseUrl;
                }

                options.PublicBaseUrl = Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) ? uri : null;
            })
            .Validate(o => o.IsValid(), MailOptions.ValidationMessage)
            .Validate<IConfiguration, IHostEnvironment>(
                (_, configuration, environment) => environment.IsDevelopment() || !string.IsNullOrWhiteSpace(configuration[ExportLinkSigner.KeySetting]),
                $"No signing key for the download links the silo emails: set {ExportLinkSigner.KeySetting} (VeloConnect__Exports__SigningKey), the same secret as the API's.")
            .ValidateOnStart();
        services.AddSingleton<SmtpMailSender>();
        services.AddSingleton(provider => ExportLinkSigner.FromConfiguration(
            provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<IHostEnvironment>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ExportEmail>();
        return services;
    }
}
