namespace Sluice.Engine.DuckDb;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>transform: sql</c>, SQL over the input datasets on in-process DuckDB.</summary>
    public static ISluiceBuilder AddSql(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        builder.Connectors.Add(new SqlTransform(settings ?? DuckDbSettings.Default));
        return builder;
    }
}
