using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Workflows.Imports;

namespace VeloConnect.Api.Imports;

/// <summary>A refused step of the import workflow as HTTP.</summary>
internal static class ImportRefusals
{
    public static ProblemHttpResult ToProblem(this ImportRefusal refusal) =>
        TypedResults.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail, extensions: refusal.Extensions);
}
