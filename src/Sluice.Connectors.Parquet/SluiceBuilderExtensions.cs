using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Parquet;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>sink: parquet</c>, the data lake.</summary>
    public static ISluiceBuilder AddParquetLake(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        builder.Connectors.Add(new ParquetLakeSink(settings ?? DuckDbSettings.Default));
        return builder;
    }
}
