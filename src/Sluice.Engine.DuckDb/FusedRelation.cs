using Sluice.Connectors;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// A source's read bound as a view in a consumer's session. Once the consumer has written its output,
/// <see cref="CompleteAsync"/> asks the source whether the read was clean and what it read, and hands
/// that to the executor; a read that was not clean throws <see cref="FusionDeclinedException"/>.
/// </summary>
public sealed class FusedRelation : IDisposable
{
    private readonly FusedInput _input;
    private readonly FusedRead _read;

    private FusedRelation(FusedInput input, FusedRead read) => (_input, _read) = (input, read);

    /// <summary>Binds <paramref name="dataset"/> as <paramref name="view"/>: in place when it is a fused input of the task (returned), else its staged file (null).</summary>
    public static async Task<FusedRelation?> BindAsync(DuckDbSession session, TaskContext context, string dataset, string view, CancellationToken cancellationToken, string stagedArguments = "")
    {
        if (context.FusedInputs.TryGetValue(dataset, out var input) && input.Connector is IDuckDbFusableSource source)
        {
            return new FusedRelation(input, await source.BindAsync(input.Source, session, view, cancellationToken));
        }

        await session.BindViewAsync(view, "read_parquet", context.InputPath(dataset), cancellationToken, stagedArguments);
        return null;
    }

    public async Task CompleteAsync(CancellationToken cancellationToken) => _input.Complete(await _read.Finish(cancellationToken));

    public void Dispose() => _read.Resources?.Dispose();
}
