namespace Sluice.Bench;

/// <summary>A benchmark failure with a message for the user (bad option, failed child, mismatched outputs).</summary>
internal sealed class BenchException(string message) : Exception(message);
