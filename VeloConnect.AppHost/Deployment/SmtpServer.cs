using VeloConnect.AppHost.Infrastructure;

namespace VeloConnect.AppHost.Deployment;

/// <summary>
/// The SMTP server the silo sends through: a mail catcher in run mode (MailPit with a container engine, smtp4dev
/// without), and in the manifest a real server named by parameters: <c>smtp-host</c>, <c>smtp-port</c> and the login,
/// <c>smtp-user</c> and <c>smtp-password</c> (secrets). The login travels apart from the connection string
/// (<c>VeloConnect:Mail:UserName</c>/<c>Password</c>), so no secret has to be escaped into a URI.
/// </summary>
internal sealed record SmtpServer(
    IResourceBuilder<IResourceWithConnectionString> Server,
    IResourceBuilder<ParameterResource>? User,
    IResourceBuilder<ParameterResource>? Password)
{
    public const string HostParameter = "smtp-host";
    public const string PortParameter = "smtp-port";
    public const string UserParameter = "smtp-user";
    public const string PasswordParameter = "smtp-password";

    public static SmtpServer Add(IDistributedApplicationBuilder builder, InfrastructureKind kind)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            return new(kind == InfrastructureKind.Containers
                ? builder.AddMailPit("mail")
                : builder.AddLocalSmtp4dev("mail", LocalDataDirectory.Resolve(builder)), null, null);
        }

        var host = builder.AddParameter(HostParameter);
        var port = builder.AddParameter(PortParameter);
        var user = builder.AddParameter(UserParameter, secret: true);
        var password = builder.AddParameter(PasswordParameter, secret: true);
        return new(builder.AddConnectionString("mail", ReferenceExpression.Create($"smtp://{host}:{port}")), user, password);
    }
}

internal static class SmtpLoginExtensions
{
    /// <summary>Passes the SMTP login (publish mode only; the mail catchers take none).</summary>
    public static IResourceBuilder<T> WithSmtpLogin<T>(this IResourceBuilder<T> builder, SmtpServer smtp)
        where T : IResourceWithEnvironment
    {
        if (smtp is { User: { } user, Password: { } password })
        {
            builder.WithEnvironment("VeloConnect__Mail__UserName", user).WithEnvironment("VeloConnect__Mail__Password", password);
        }

        return builder;
    }
}
