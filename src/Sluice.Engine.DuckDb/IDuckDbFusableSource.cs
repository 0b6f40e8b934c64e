using Sluice.Connectors;

namespace Sluice.Engine.DuckDb;

/// <summary>A source that can bind its read as a view in a consumer's DuckDB session (<see cref="FusedInput"/>).</summary>
public interface IDuckDbFusableSource : IFusableSource
{
    /// <summary>
    /// Creates <paramref name="view"/> over the source's read in <paramref name="session"/>, using the
    /// source task's own <paramref name="context"/>. Throws <see cref="FusionDeclinedException"/> when
    /// this read cannot run in place (for example, no file matches), so both tasks run staged.
    /// </summary>
    Task<FusedRead> BindAsync(TaskContext context, DuckDbSession session, string view, CancellationToken cancellationToken);
}
