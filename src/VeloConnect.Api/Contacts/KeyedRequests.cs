using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Apis;
using VeloConnect.Api.Auth;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Api.Contacts;

/// <summary>
/// How a bulk request and a command-line import's rows are answered, with or without an <c>Idempotency-Key</c>. Without
/// one the work runs in the request and is answered. With one, the first attempt's result is the result: the key's claim
/// is a lease of this API process (<see cref="BulkRequestRunner"/>); the work runs to its end apart from the HTTP request
/// (a client that goes away gets its answer on retry), records each item's outcome as it applies it, and keeps the
/// answer. A retry gets the kept answer; while the first attempt runs, 409 with Retry-After; once its lease expired (its
/// process died, or it failed part way), the retry takes it over and applies only the items not recorded.
/// </summary>
public sealed class KeyedRequests(BulkRequestStore keys, BulkRequestRunner runner, AuditLog audit)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <param name="apply">The work; null when nothing of it could be applied (the command-line import ended meanwhile).</param>
    public async Task<Results<ContentHttpResult, ProblemHttpResult>> AnswerAsync(HttpContext http, CurrentUser user, byte[] bodyHash,
        Func<BulkLease?, CancellationToken, Task<BulkAnswer?>> apply)
    {
        var key = http.Request.Headers[IdempotencyKeyHeader].ToString();
        if (key.Length == 0)
        {
            if (await apply(null, http.RequestAborted) is not { } answered)
            {
                return ImportStopped();
            }

            if (answered.Audit is { } row)
            {
                await audit.WriteAsync(row.WorkspaceId, row.UserId, BulkAudit.Action, "contact", null, row.Details);
            }

            return Json(answered.Json);
        }

        if (key.Length > 200 || key.Any(char.IsControl))
        {
            return ApiProblems.BadRequest("Bad Idempotency-Key", "An Idempotency-Key is 1 to 200 printable characters, e.g. a UUID you generate per batch and reuse when you retry that batch.");
        }

        return await ApplyOnceAsync(http, user, key, bodyHash, apply);
    }

    private async Task<Results<ContentHttpResult, ProblemHttpResult>> ApplyOnceAsync(HttpContext http, CurrentUser user, string key, byte[] bodyHash,
        Func<BulkLease?, CancellationToken, Task<BulkAnswer?>> apply)
    {
        var claim = await keys.ClaimAsync(user.WorkspaceId, key, bodyHash, runner.Owner, runner.Options.Lease, http.RequestAborted);
        switch (claim.State)
        {
            case IdempotencyState.Answered:
                http.Response.Headers["Idempotency-Replayed"] = "true";
                return Json(claim.Response!);
            case IdempotencyState.DifferentBody:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                    detail: $"This Idempotency-Key was already used with a different body. Use a new key for a new batch (keys are kept {BulkRequestStore.Kept.TotalDays:0} days); reuse a key only to retry the very same body.");
            case IdempotencyState.InProgress:
                var wait = claim.LeaseLeft < runner.Options.Renew ? claim.LeaseLeft : runner.Options.Renew;
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return ApiProblems.Conflict("Request in progress", string.Create(CultureInfo.InvariantCulture,
                    $"The first request with this Idempotency-Key is still running. Retry the same body with the same key in {seconds} s (Retry-After) to get its answer; nothing is applied twice."));
        }

        var work = runner.Start(claim.Lease!, apply);
        BulkOutcome outcome;
        try
        {
            outcome = await work.WaitAsync(http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the work goes on and keeps its answer for the retry. Nobody reads this.
            return TypedResults.Problem(statusCode: StatusCodes.Status499ClientClosedRequest, title: "Client went away");
        }

        return outcome.Kind switch
        {
            BulkOutcomeKind.Answered => Json(outcome.Json!),
            BulkOutcomeKind.NotApplied => ImportStopped(),
            BulkOutcomeKind.TakenOver => ApiProblems.Conflict("Request taken over", "This attempt stalled and a retry with the same Idempotency-Key took the request over. "
                + "Retry the same body with the same key to get that retry's answer; nothing is applied twice."),
            _ => TypedResults.Problem(statusCode: outcome.Kind == BulkOutcomeKind.Stopped ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
                title: "Bulk request interrupted",
                detail: "The request stopped part way (the server failed or is restarting). Retry the same body with the same Idempotency-Key: the items already applied "
                    + "are answered as they were applied, the others are applied now; nothing is applied twice."),
        };
    }


    private static ProblemHttpResult ImportStopped() =>
        ApiProblems.Conflict("Import not running", "The import stopped running while this request was read (it was finished); no row of this request was applied. Run the importer again to start a new import.");

    private static ContentHttpResult Json(string json) => TypedResults.Text(json, "application/json", System.Text.Encoding.UTF8);
}
