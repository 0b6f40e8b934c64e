using Sluice.Engine.DuckDb;

namespace Sluice.Transforms.Models;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>transform: models</c>, dbt-style SQL models built in the warehouse.</summary>
    public static ISluiceBuilder AddModels(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        builder.Connectors.Add(new ModelsTransform(settings ?? DuckDbSettings.Default));
        return builder;
    }
}
