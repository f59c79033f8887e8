using Microsoft.AspNetCore.Authorization;
using VeloConnect.Data.Workspaces;

namespace VeloConnect.Api.Auth;

/// <summary>
/// What an endpoint needs. Every endpoint declares exactly one (<see cref="Permissions.Requires{TBuilder}"/>) or allows
/// anonymous callers; the matrix (<see cref="Permissions.RolesFor"/>) says which key roles hold each. The table is
/// docs/security.md, "Roles and permissions"; a test checks every mapped endpoint against it.
/// </summary>
public enum Permission
{
    /// <summary>Who the key speaks for, the workspace's users.</summary>
    Workspace,

    /// <summary>Read, create, edit and delete contacts one at a time or by ids, opt-ins, the bulk endpoint.</summary>
    Contacts,

    /// <summary>Delete every contact a filter selects (up to all of them with <c>confirm=all</c>).</summary>
    DeleteContactsByFilter,

    /// <summary>Read the workspace's custom field definitions.</summary>
    ReadFields,

    /// <summary>Create, change and delete custom fields (a deletion removes the field's values from every contact).</summary>
    ManageFields,

    /// <summary>Read the workspace's audit log (every user's actions).</summary>
    ReadAudit,

    /// <summary>The caller's own notifications and their live stream.</summary>
    Notifications,

    /// <summary>Upload, map, review, run and follow imports; the command-line importer.</summary>
    Imports,

    /// <summary>Revert an import (deletes or restores what it wrote, across the workspace).</summary>
    RevertImports,

    /// <summary>Start exports with a filter, follow and download one's own. Whole-workspace exports and other users' exports need the admin role (checked by the export endpoints).</summary>
    Exports,

    /// <summary>List, create and revoke API keys.</summary>
    ManageKeys,
}

/// <summary>Endpoint metadata: the permission an endpoint declared.</summary>
public sealed record PermissionMetadata(Permission Permission);

public static class Permissions
{
    private static readonly ApiKeyRole[] Everyone = [ApiKeyRole.Agent, ApiKeyRole.Admin];
    private static readonly ApiKeyRole[] AdminsOnly = [ApiKeyRole.Admin];

    /// <summary>The permission matrix: the roles that hold a permission.</summary>
    public static IReadOnlyList<ApiKeyRole> RolesFor(Permission permission) => permission switch
    {
        Permission.DeleteContactsByFilter or Permission.ManageFields or Permission.ReadAudit
            or Permission.RevertImports or Permission.ManageKeys => AdminsOnly,
        _ => Everyone,
    };

    public static string PolicyName(Permission permission) => "permission:" + permission;

    /// <summary>Declares the permission an endpoint (or a group) needs: its metadata and the authorization policy that checks the key's role.</summary>
    public static TBuilder Requires<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PermissionMetadata(permission)).RequireAuthorization(PolicyName(permission));

    /// <summary>One policy per permission: an authenticated key whose role holds it.</summary>
    public static AuthorizationBuilder AddPermissionPolicies(this AuthorizationBuilder builder)
    {
        foreach (var permission in Enum.GetValues<Permission>())
        {
            builder.AddPolicy(PolicyName(permission), policy => policy.RequireAuthenticatedUser()
                .RequireClaim(CurrentUser.RoleClaim, RolesFor(permission).Select(ApiKeyRoles.Name)));
        }

        return builder;
    }
}
