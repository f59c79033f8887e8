namespace VeloConnect.Bench.Support;

/// <summary>A measure could not be taken: the message says what happened (request, status code, body).</summary>
public sealed class BenchFailure(string message) : Exception(message);
