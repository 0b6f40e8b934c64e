using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.DuckDb;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers the embedded DuckDB warehouse: <c>source: duckdb</c> and <c>sink: duckdb</c>.</summary>
    public static ISluiceBuilder AddDuckDb(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        settings ??= DuckDbSettings.Default;
        builder.Connectors.Add(new DuckDbSource(settings)).Add(new DuckDbSink(settings));
        return builder;
    }
}
