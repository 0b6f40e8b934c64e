using Sluice.Model;

namespace Sluice.Connectors;

/// <summary>The connectors a host made available. The CLI registers every built-in provider.</summary>
public sealed class ConnectorCatalog
{
    private readonly List<IConnector> _connectors = [];

    public ConnectorCatalog Add(IConnector connector)
    {
        if (Find(connector.Kind, connector.Name) is not null)
        {
            throw new InvalidOperationException($"A {connector.Kind} connector named '{connector.Name}' is already registered.");
        }

        _connectors.Add(connector);
        return this;
    }

    public IReadOnlyList<IConnector> All => _connectors;

    public IConnector? Find(TaskKind kind, string name) =>
        _connectors.FirstOrDefault(c => c.Kind == kind && string.Equals(c.Name, name, StringComparison.Ordinal));

    public IEnumerable<string> NamesOf(TaskKind kind) => _connectors.Where(c => c.Kind == kind).Select(c => c.Name);
}
