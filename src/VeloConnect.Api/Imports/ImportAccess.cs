using VeloConnect.Api.Auth;
using VeloConnect.Data.Imports;

namespace VeloConnect.Api.Imports;

/// <summary>
/// Whose imports a caller works with (issue 15: "agents work with contacts and their own imports and exports"): an admin
/// key every import of its workspace, an agent key those its user created (<c>imports.user_id</c>). Another user's import
/// is to an agent what another workspace's is: not found (404), so its existence does not leak.
/// </summary>
public static class ImportAccess
{
    /// <summary>The user whose imports the caller is limited to, or null for every import of the workspace.</summary>
    public static Guid? OwnerFilter(this CurrentUser user) => user.IsAdmin ? null : user.UserId;

    public static bool MaySee(this CurrentUser user, ImportRecord import) =>
        import.WorkspaceId == user.WorkspaceId && (user.IsAdmin || import.UserId == user.UserId);

    /// <summary>The import if the caller may see it; null (answered 404) for another workspace's or, for an agent, another user's.</summary>
    public static async Task<ImportRecord?> VisibleAsync(this ImportStore imports, CurrentUser user, Guid id, CancellationToken cancellationToken = default) =>
        await imports.GetAsync(user.WorkspaceId, id, cancellationToken) is { } import && user.MaySee(import) ? import : null;
}
