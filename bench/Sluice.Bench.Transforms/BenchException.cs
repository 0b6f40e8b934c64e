namespace Sluice.Bench.Transforms;

/// <summary>A benchmark failure worth one line: bad arguments, a failed run, outputs that differ.</summary>
internal sealed class BenchException(string message) : Exception(message);
