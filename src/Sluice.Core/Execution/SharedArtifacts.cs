using Sluice.Artifacts;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Execution;

/// <summary>Opens the shared artifact store a pipeline names (<c>artifacts:</c>), for a run's coordinator and its workers alike.</summary>
internal static class SharedArtifacts
{
    /// <summary>The store, or null when the pipeline names none; validation has checked the connection and location.</summary>
    public static IArtifactStore? Open(ConnectorCatalog catalog, PipelineDefinition pipeline, DataInterval interval, SecretMasker secrets)
    {
        if (pipeline.ArtifactStore is not { } store)
        {
            return null;
        }

        var connection = pipeline.FindConnection(store.Connection)!;
        var templates = new TemplateRenderer(interval, pipeline.Parameters, secrets, SecretsFile.Lookup(pipeline.SecretsFile), string.Empty, SecretsFile.IsSecret(pipeline.SecretsFile));
        var options = new ConnectorOptions(connection.Options, catalog.FindConnectionType(connection.Type)?.Options ?? [], templates);
        var location = templates.Render(store.Location, store.SourceLocation);
        return catalog.FindArtifactStore(connection.Type)!.Open(store.Connection, options, location, secrets);
    }
}
