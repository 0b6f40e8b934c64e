using Sluice.Connectors;

namespace Sluice;

/// <summary>
/// What a Sluice host is built from. Each connector package registers itself with one extension
/// method on this (<c>AddPostgres()</c>, <c>AddS3()</c>...), so a host pulls in only the packages it uses.
/// </summary>
public interface ISluiceBuilder
{
    /// <summary>The sources, transforms, sinks, connection types and artifact stores registered so far.</summary>
    ConnectorCatalog Connectors { get; }
}
