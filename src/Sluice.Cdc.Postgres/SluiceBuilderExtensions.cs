using Sluice.Engine.DuckDb;

namespace Sluice.Cdc.Postgres;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>source: postgres_cdc</c> (and the <c>postgres</c> connection type it reads from and writes to).</summary>
    public static ISluiceBuilder AddPostgresCdc(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        builder.Connectors.Add(new PostgresCdcSource(settings ?? DuckDbSettings.Default)).Add(Connectors.Postgres.PostgresConnections.Type);
        return builder;
    }
}
