using Microsoft.AspNetCore.Http.HttpResults;

namespace VeloConnect.Api.Apis;

/// <summary>ProblemDetails whose <c>detail</c> says what to do next.</summary>
internal static class ApiProblems
{
    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "Some values are not valid: fix the fields listed under 'errors' (each says what is expected) and send the request again.");

    public static ProblemHttpResult NotFound(string what, string hint) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: hint);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
}
