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

        var templates = new TemplateRenderer(interval, pipeline.Parameters, secrets, SecretsFile.Lookup(pipeline.SecretsFile), string.Empty, SecretsFile.IsSecret(pipeline.SecretsFile));
        var location = templates.Render(store.Location, store.SourceLocation);
        if (store.Connection is null)
        {
            // A shared folder; a relative path is relative to the pipeline file, like every other path.
            return new FolderArtifactStore(Path.IsPathRooted(location) ? location : Path.GetFullPath(Path.Combine(pipeline.BaseDirectory, location)));
        }

        var connection = pipeline.FindConnection(store.Connection)!;
        var options = new ConnectorOptions(connection.Options, catalog.FindConnectionType(connection.Type)?.Options ?? [], templates);
        return catalog.FindArtifactStore(connection.Type)!.Open(store.Connection, options, location, secrets);
    }
}
