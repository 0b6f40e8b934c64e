using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Sqlite;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>source: sqlite</c>, <c>sink: sqlite</c> and the <c>sqlite</c> connection type.</summary>
    public static ISluiceBuilder AddSqlite(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        settings ??= DuckDbSettings.Default;
        builder.Connectors.Add(new SqliteSource(settings)).Add(new SqliteSink(settings)).Add(SqliteConnections.Type);
        return builder;
    }
}
