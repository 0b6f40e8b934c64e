using Sluice.Connectors;

namespace Sluice;

/// <summary>A builder with no host around it: for programs and tests that only need the connector catalog.</summary>
public sealed class SluiceBuilder : ISluiceBuilder
{
    public ConnectorCatalog Connectors { get; } = new();
}
