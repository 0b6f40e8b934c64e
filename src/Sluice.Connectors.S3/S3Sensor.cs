using Sluice.Model;
using Sluice.Sensors;
using Sluice.Validation;

namespace Sluice.Connectors.S3;

/// <summary>
/// <c>sensor: s3</c>: waits until an object exists in S3-compatible storage: an exact key, any object
/// under a prefix (ending in <c>/</c>), or one matching a glob, through the task's <c>s3</c> connection.
/// </summary>
public sealed class S3Sensor : Sensor
{
    public override string Name => "s3";

    public override string Description => "Waits until an object exists in S3-compatible storage (a key, a prefix ending in /, or a glob).";

    protected override IReadOnlyList<OptionSpec> ConditionOptions { get; } =
    [
        OptionSpec.ConnectionOf("The s3 connection (endpoint, region, credentials) to look through.", S3Connection.TypeName),
        OptionSpec.Text("url", "s3://bucket/key, s3://bucket/prefix/ (any object under it) or a glob (*, **, ?); templated, e.g. s3://raw/{{ ds }}/_SUCCESS.", required: true),
    ];

    protected override IEnumerable<PipelineError> ValidateCondition(TaskDefinition task, PipelineDefinition pipeline)
    {
        if (task.Options.Find("url") is ScalarOption { Value: { } url } option && !url.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            yield return new PipelineError(option.Location, $"sensor 's3': url '{url}' is not an s3:// URL; write s3://bucket/key, s3://bucket/prefix/ or a glob.");
        }
    }

    public override async Task<SensorPoke> PokeAsync(TaskContext context, CancellationToken cancellationToken)
    {
        using var endpoint = S3Endpoint.Open(context);
        var location = S3Location.Parse(context.Options.GetRequiredString("url"), context.Options.LocationOf("url").ToString());
        var found = await S3Listing.MatchAsync(endpoint, location, S3Listing.MaxPageSize, cancellationToken);
        return found.Count > 0
            ? SensorPoke.Yes($"{found.Count} object(s) match {location.Url} at {endpoint.Display}")
            : SensorPoke.NotYet($"no object matches {location.Url} at {endpoint.Display} yet");
    }
}
