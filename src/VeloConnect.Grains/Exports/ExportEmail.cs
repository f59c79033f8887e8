using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Exports;
using VeloConnect.Data.Workspaces;
using VeloConnect.Grains.Mail;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Grains.Exports;

/// <summary>
/// Emails the requesting user a signed download link once an export is ready. Delivery by email is a courtesy on top of
/// the in-app notification: a user without an address, no configured SMTP server or a failed send never changes the
/// export, which stays ready and downloadable. So this never throws; every outcome is logged, and a send is audited
/// (<c>export.emailed</c> or <c>export.email_failed</c> with the reason).
/// </summary>
public sealed partial class ExportEmail(
    WorkspaceStore workspaces,
    AuditLog audit,
    SmtpMailSender mail,
    ExportLinkSigner signer,
    IOptions<MailOptions> options,
    ILogger<ExportEmail> logger)
{
    public async Task SendReadyAsync(ExportRecord export, string summary, DateTimeOffset expiresAt)
    {
        if (!mail.IsConfigured)
        {
            LogMailOff(logger, export.Id);
            return;
        }

        using var span = ExportTelemetry.Start("export.email", export.Id);
        string? address = null;
        try
        {
            var user = (await workspaces.ListUsersAsync(export.WorkspaceId)).FirstOrDefault(u => u.Id == export.UserId);
            address = user?.Email?.Trim();
            if (string.IsNullOrEmpty(address))
            {
                span?.SetTag("export.email.outcome", "no_address");
                LogNoAddress(logger, export.Id, export.UserId);
                return;
            }

            await mail.SendAsync(Compose(user!.Name, address, export, summary, expiresAt));
            span?.SetTag("export.email.outcome", "sent");
            LogSent(logger, export.Id, address);
            await audit.WriteAsync(export.WorkspaceId, export.UserId, "export.emailed", "export", export.Id.ToString(),
                new Dictionary<string, object?> { ["to"] = address });
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            span?.SetTag("export.email.outcome", "failed");
            LogFailed(logger, e, export.Id, address);
            await AuditFailureAsync(export, address, e.Message);
        }
    }

    /// <summary>The absolute signed link: it opens the file without an API key until the export expires.</summary>
    public Uri Link(ExportRecord export, DateTimeOffset expiresAt) =>
        new(options.Value.PublicBaseUrl!.AbsoluteUri.TrimEnd('/') + "/api/exports/download?token=" + signer.Sign(new ExportLink(export.Id, export.WorkspaceId, expiresAt)));

    private MimeMessage Compose(string name, string address, ExportRecord export, string summary, DateTimeOffset expiresAt)
    {
        var link = Link(export, expiresAt).AbsoluteUri;
        var until = expiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
        var body = new BodyBuilder
        {
            TextBody = $"""
                Hello {name},

                Your contact export is ready: {summary}.

                Download it here (no sign-in needed; the link works until {until}):
                {link}

                Anyone with this link can download the file: do not forward it. After {until} the file is deleted; start a new export from the contact list.

                VeloConnect
                """,
            HtmlBody = $"""
                <p>Hello {WebUtility.HtmlEncode(name)},</p>
                <p>Your contact export is ready: {WebUtility.HtmlEncode(summary)}.</p>
                <p><a href="{WebUtility.HtmlEncode(link)}">Download the export</a> (no sign-in needed; the link works until {until}).</p>
                <p>Anyone with this link can download the file: do not forward it. After {until} the file is deleted; start a new export from the contact list.</p>
                <p>VeloConnect</p>
                """,
        };
        var message = new MimeMessage
        {
            Subject = "Your VeloConnect export is ready",
            Body = body.ToMessageBody(),
        };
        message.From.Add(mail.From);
        message.To.Add(new MailboxAddress(name, address));
        return message;
    }

    private async Task AuditFailureAsync(ExportRecord export, string? address, string reason)
    {
        try
        {
            await audit.WriteAsync(export.WorkspaceId, export.UserId, "export.email_failed", "export", export.Id.ToString(),
                new Dictionary<string, object?> { ["to"] = address, ["reason"] = reason });
        }
        catch (Exception e)
        {
            LogAuditFailed(logger, e, export.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} not emailed: no SMTP server configured (ConnectionStrings:mail); the in-app notification went")]
    private static partial void LogMailOff(ILogger logger, Guid exportId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} not emailed: user {UserId} has no email address on record; the in-app notification went")]
    private static partial void LogNoAddress(ILogger logger, Guid exportId, Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} emailed to {Address}")]
    private static partial void LogSent(ILogger logger, Guid exportId, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} could not be emailed to {Address}; it stays ready and downloadable")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid exportId, string? address);

    [LoggerMessage(Level = LogLevel.Error, Message = "The failed email of export {ExportId} could not be audited")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, Guid exportId);
}
