using Sluice.Connectors;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// What a fusable source leaves in the consumer's session besides its view: how to finish the read
/// once the consumer is done (check it was clean and count it), and what to clean up after.
/// </summary>
public sealed record FusedRead(Func<CancellationToken, Task<TaskOutcome>> Finish, IDisposable? Resources = null);
