namespace VeloConnect.Web.Api;

/// <summary>A user of the workspace (GET /api/users): who did something, who contacts can be assigned to.</summary>
public sealed record WorkspaceMember(Guid Id, string Name, string? Email);
