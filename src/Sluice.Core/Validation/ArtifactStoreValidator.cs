using Sluice.Connectors;
using Sluice.Model;

namespace Sluice.Validation;

/// <summary>Checks the pipeline's <c>artifacts:</c> setting: a declared connection of a type that can hold artifacts, and a location it accepts.</summary>
internal static class ArtifactStoreValidator
{
    public static void Check(PipelineDefinition pipeline, ConnectorCatalog catalog, List<PipelineError> errors)
    {
        if (pipeline.ArtifactStore is not { } store)
        {
            return;
        }

        var at = store.SourceLocation;
        if (store.Connection is null)
        {
            if (store.Location.Contains("://", StringComparison.Ordinal))
            {
                errors.Add(new(at, $"artifacts: location '{store.Location}' is a URL, and no connection reaches it. Name the connection (artifacts: {{ connection: <s3 connection>, location: \"{store.Location}\" }}), or give a folder that every worker mounts at the same path."));
            }

            return;
        }

        if (pipeline.FindConnection(store.Connection) is not { } connection)
        {
            errors.Add(new(at, "artifacts: " + Suggestions.UnknownName("connection", store.Connection, pipeline.Connections.Select(c => c.Name))
                + $" Declare it in {Yaml.ConnectionsLoader.FileName} or with SLUICE_CONNECTION__{store.Connection.ToUpperInvariant()}__TYPE."));
            return;
        }

        if (catalog.FindArtifactStore(connection.Type) is not { } provider)
        {
            var types = catalog.ArtifactStoreTypes.ToList();
            errors.Add(new(at, $"artifacts: connection '{store.Connection}' is a '{connection.Type}' connection, which cannot hold run artifacts; use a connection of type {(types.Count == 0 ? "(none registered)" : string.Join(", ", types))}."));
            return;
        }

        errors.AddRange(provider.ValidateLocation(store.Location).Select(message => new PipelineError(at, $"artifacts: {message}")));
        if (catalog.FindConnectionType(connection.Type) is { } type)
        {
            errors.AddRange(OptionValidator.Check(connection, type).Where(e => !errors.Contains(e)));
        }
    }
}
