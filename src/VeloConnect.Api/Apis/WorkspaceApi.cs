using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Auth;
using VeloConnect.Data.Workspaces;

namespace VeloConnect.Api.Apis;

/// <summary>Who a key speaks for; <c>Role</c> is the key's role (<c>admin</c> or <c>agent</c>), so a client can hide what the key cannot do.</summary>
public sealed record MeResponse(Guid WorkspaceId, string WorkspaceName, string DefaultRegion, Guid UserId, string UserName, string Role);

public static class WorkspaceApi
{
    public static IEndpointRouteBuilder MapWorkspaceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Workspace").Requires(Permission.Workspace);
        api.MapGet("/me", GetMe).WithName("GetMe").WithSummary("Who the API key speaks for: workspace, default phone region, user and the key's role (admin or agent)");
        api.MapGet("/users", ListUsers).WithName("ListUsers").WithSummary("The workspace's users (agents), for assigning contacts");
        return app;
    }

    public static async Task<Ok<MeResponse>> GetMe(HttpContext http, WorkspaceStore workspaces)
    {
        var user = CurrentUser.From(http.User);
        var workspace = (await workspaces.GetAsync(user.WorkspaceId))!;
        return TypedResults.Ok(new MeResponse(workspace.Id, workspace.Name, workspace.DefaultRegion, user.UserId, user.Name, ApiKeyRoles.Name(user.Role)));
    }

    public static async Task<Ok<IReadOnlyList<User>>> ListUsers(HttpContext http, WorkspaceStore workspaces) =>
        TypedResults.Ok(await workspaces.ListUsersAsync(CurrentUser.From(http.User).WorkspaceId));
}
