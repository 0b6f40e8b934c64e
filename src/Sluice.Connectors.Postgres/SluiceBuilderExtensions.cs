using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>source: postgres</c>, <c>sink: postgres</c> and the <c>postgres</c> connection type.</summary>
    public static ISluiceBuilder AddPostgres(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        settings ??= DuckDbSettings.Default;
        builder.Connectors.Add(new PostgresSource(settings)).Add(new PostgresSink(settings)).Add(PostgresConnections.Type);
        return builder;
    }
}
