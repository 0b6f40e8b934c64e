using Sluice.Cdc.Postgres;
using Sluice.Connectors.DuckDb;
using Sluice.Connectors.Files;
using Sluice.Connectors.Html;
using Sluice.Connectors.Http;
using Sluice.Connectors.MySql;
using Sluice.Connectors.Parquet;
using Sluice.Connectors.Postgres;
using Sluice.Connectors.S3;
using Sluice.Connectors.Sqlite;
using Sluice.Engine.DuckDb;
using Sluice.Sensors;
using Sluice.Transforms;
using Sluice.Transforms.Models;

namespace Sluice.Connectors.All;

public static class BuiltInConnectors
{
    /// <summary>Registers every connector that ships with Sluice, each through its own package's registration.</summary>
    public static ISluiceBuilder AddBuiltInConnectors(this ISluiceBuilder builder, DuckDbSettings? settings = null) =>
        builder
            .AddFiles(settings)
            .AddSql(settings)
            .AddSteps(settings)
            .AddDuckDb(settings)
            .AddModels(settings)
            .AddParquetLake(settings)
            .AddS3(settings)
            .AddHttp(settings)
            .AddHtml(settings)
            .AddPostgres(settings)
            .AddMySql(settings)
            .AddPostgresCdc(settings)
            .AddSqlite(settings)
            .AddPipelineSensor();

    /// <summary>A catalog of every built-in connector, for programs and tests without a host.</summary>
    public static ConnectorCatalog Catalog() => new SluiceBuilder().AddBuiltInConnectors().Connectors;
}
