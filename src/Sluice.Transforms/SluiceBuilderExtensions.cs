using Sluice.Engine.DuckDb;

namespace Sluice.Transforms;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>transform: steps</c> (the built-in cleaning steps) and <c>transform: dim_date</c>.</summary>
    public static ISluiceBuilder AddSteps(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        settings ??= DuckDbSettings.Default;
        builder.Connectors.Add(new StepsTransform(settings)).Add(new DimDateTransform(settings));
        return builder;
    }
}
