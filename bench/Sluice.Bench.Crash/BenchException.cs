namespace Sluice.Bench.Crash;

/// <summary>A failure of the bench itself (bad arguments, a child that cannot start), reported without a stack trace.</summary>
internal sealed class BenchException(string message) : Exception(message);
