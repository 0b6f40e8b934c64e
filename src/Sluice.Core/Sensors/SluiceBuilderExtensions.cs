namespace Sluice.Sensors;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>sensor: pipeline</c>, which waits for another pipeline's run in the run history.</summary>
    public static ISluiceBuilder AddPipelineSensor(this ISluiceBuilder builder)
    {
        builder.Connectors.Add(new PipelineSensor());
        return builder;
    }
}
