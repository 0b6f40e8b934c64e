using Sluice.State;

namespace Sluice.Events;

public static class EventLogs
{
    /// <summary>The event log kept by a metadata store; every store a <see cref="IMetadataStoreProvider"/> opens keeps one.</summary>
    public static IEventLog Of(IMetadataStore store) =>
        store as IEventLog ?? throw new InvalidOperationException($"{store.GetType().Name} keeps no event log; a metadata store must also implement IEventLog.");
}
