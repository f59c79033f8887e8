using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VeloConnect.Client;

/// <summary>
/// What the OpenAPI document does not say and the generated client needs: the JSON the API speaks.
/// </summary>
public partial class VeloApiClient
{
    /// <summary>
    /// The JSON the client writes (names from the document's schemas): nulls left out, cells as they are ("+1 415…",
    /// accents) rather than \u-escaped, so the same rows always give the same bytes.
    /// </summary>
    public static JsonSerializerOptions Json { get; } = Configure(new JsonSerializerOptions());

    private static JsonSerializerOptions Configure(JsonSerializerOptions settings)
    {
        settings.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        settings.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return settings;
    }

    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => Configure(settings);

    /// <summary>Keeps each answer's text, so a refusal's <see cref="ApiException.Response"/> holds the API's ProblemDetails as sent.</summary>
    partial void Initialize() => ReadResponseAsString = true;

    /// <summary>
    /// The undo as it was called before its optional <c>expectedSeq</c> (issue 14): NSwag makes an optional query parameter a
    /// required argument, so these keep the earlier calls compiling.
    /// </summary>
    public virtual Task UndoImportEditAsync(Guid id, long seq) => UndoImportEditAsync(id, seq, null, CancellationToken.None);

    /// <inheritdoc cref="UndoImportEditAsync(Guid, long)"/>
    public virtual Task UndoImportEditAsync(Guid id, long seq, CancellationToken cancellationToken) => UndoImportEditAsync(id, seq, null, cancellationToken);
}
