using Sluice.Connectors;
using Sluice.Connectors.DuckDb;
using Sluice.Connectors.Files;
using Sluice.Connectors.Html;
using Sluice.Connectors.Http;
using Sluice.Connectors.Parquet;
using Sluice.Connectors.S3;
using Sluice.Connectors.Postgres;
using Sluice.Connectors.Sqlite;
using Sluice.Engine.DuckDb;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Transforms.Models;

namespace Sluice.Cli;

/// <summary>Wires the built-in connectors, the metadata store and the runner for the CLI.</summary>
internal static class SluiceHost
{
    public static ConnectorCatalog Catalog()
    {
        var settings = DuckDbSettings.Default;
        return new ConnectorCatalog()
            .Add(new FilesSource(settings))
            .Add(new SqlTransform(settings))
            .Add(new Transforms.StepsTransform(settings))
            .Add(new Transforms.DimDateTransform(settings))
            .Add(new DuckDbSource(settings))
            .Add(new ModelsTransform(settings))
            .Add(new DuckDbSink(settings))
            .Add(new ParquetLakeSink(settings))
            .Add(new S3Source(settings))
            .Add(new S3Sink(settings))
            .Add(S3Connection.Type)
            .Add(new S3ArtifactStoreProvider())
            .Add(new HttpSource(settings))
            .Add(new HtmlSource(settings))
            .Add(HttpConnection.Type)
            .Add(new PostgresSource(settings))
            .Add(new PostgresSink(settings))
            .Add(PostgresConnections.Type)
            .Add(new SqliteSource(settings))
            .Add(new SqliteSink(settings))
            .Add(SqliteConnections.Type);
    }

    /// <summary>The project's state folder: --state-dir, else SLUICE_STATE_DIR, else ./.sluice.</summary>
    public static string StateDirectory(string? option) =>
        Path.GetFullPath(option ?? Environment.GetEnvironmentVariable("SLUICE_STATE_DIR") ?? ".sluice");

    public static Task<SqliteMetadataStore> OpenStoreAsync(string stateDirectory, CancellationToken cancellationToken) =>
        SqliteMetadataStore.OpenAsync(Path.Combine(stateDirectory, "sluice.db"), cancellationToken);

    public static PipelineRunner Runner(ConnectorCatalog catalog, SqliteMetadataStore store, string stateDirectory) =>
        new(catalog, store, stateDirectory, new DuckDbDatasetInspector());
}
