using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.MySql;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>source: mysql</c>, <c>sink: mysql</c> and the <c>mysql</c> connection type (MySQL and MariaDB).</summary>
    public static ISluiceBuilder AddMySql(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        settings ??= DuckDbSettings.Default;
        builder.Connectors.Add(new MySqlSource(settings)).Add(new MySqlSink(settings)).Add(MySqlConnections.Type);
        return builder;
    }
}
