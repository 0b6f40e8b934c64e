using Sluice.Model;

namespace Sluice.Connectors;

/// <summary>The connectors a host made available. The CLI registers every built-in provider.</summary>
public sealed class ConnectorCatalog
{
    private readonly List<IConnector> _connectors = [];
    private readonly List<ConnectionType> _connectionTypes = [];
    private readonly List<Artifacts.IArtifactStoreProvider> _artifactStores = [];

    public ConnectorCatalog Add(ConnectionType type)
    {
        if (FindConnectionType(type.Name) is null)
        {
            _connectionTypes.Add(type);
        }

        return this;
    }

    public IReadOnlyList<ConnectionType> ConnectionTypes => _connectionTypes;

    public ConnectionType? FindConnectionType(string name) => _connectionTypes.FirstOrDefault(t => t.Name == name);

    public ConnectorCatalog Add(Artifacts.IArtifactStoreProvider provider)
    {
        if (FindArtifactStore(provider.ConnectionType) is null)
        {
            _artifactStores.Add(provider);
        }

        return this;
    }

    /// <summary>The artifact store for connections of a type, or null when that type cannot hold artifacts.</summary>
    public Artifacts.IArtifactStoreProvider? FindArtifactStore(string connectionType) =>
        _artifactStores.FirstOrDefault(p => p.ConnectionType == connectionType);

    public IEnumerable<string> ArtifactStoreTypes => _artifactStores.Select(p => p.ConnectionType);

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
