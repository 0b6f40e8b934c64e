using System.Globalization;
using System.Net;
using System.Text.Json;
using Sluice.Connectors.Http.Client;
using Sluice.Model;
using Sluice.Sensors;
using Sluice.Validation;

namespace Sluice.Connectors.Http;

/// <summary>
/// <c>sensor: http</c>: waits until a URL answers an expected status (200 by default) and, optionally,
/// a field of its JSON body has an expected value (<c>json_path: status</c>, <c>equals: ready</c>).
/// Any other answer, or no answer, is "not yet"; only refused credentials fail the task at once.
/// </summary>
public sealed class HttpSensor : Sensor
{
    public override string Name => "http";

    public override string Description => "Waits until a URL answers an expected status and, optionally, a JSON field has an expected value.";

    protected override IReadOnlyList<OptionSpec> ConditionOptions { get; } =
    [
        new("connection", OptionKind.Connection, "An http connection (base_url, credentials, headers); optional with an absolute url.") { Choices = [HttpConnection.TypeName] },
        OptionSpec.Text("url", "The URL to ask, absolute or relative to the connection's base_url; templated ({{ ds }}).", required: true),
        new("status", OptionKind.Integer, "The HTTP status that means ready.") { Default = "200" },
        OptionSpec.Text("json_path", "A field of the JSON body to compare, as dotted names (data.state; a number indexes a list: items.0.id)."),
        OptionSpec.Text("equals", "With json_path: the value that means ready (compared as text; templated)."),
    ];

    protected override IEnumerable<PipelineError> ValidateCondition(TaskDefinition task, PipelineDefinition pipeline)
    {
        var path = task.Options.Find("json_path");
        var equals = task.Options.Find("equals");
        if ((path is null) != (equals is null))
        {
            yield return new PipelineError((path ?? equals)!.Location, "sensor 'http': json_path and equals go together: name the JSON field and the value that means ready.");
        }
    }

    public override async Task<SensorPoke> PokeAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var where = $"task '{context.Task.Id}'";
        var settings = HttpClientSettings.For(context);
        var url = settings.FirstUrl(context.Options.GetRequiredString("url"), [], where);
        var expected = context.Options.GetInt("status");
        var shown = SafeUrl.Describe(url);
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = settings.Timeout, AutomaticDecompression = DecompressionMethods.All };
        using var client = new HttpClient(handler) { Timeout = settings.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("User-Agent", settings.UserAgent);
        new RequestCredentials(settings, url, context.Log).Apply(request, []);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // A server that is not up yet is one of the things a sensor waits for.
            return SensorPoke.NotYet($"GET {shown} got no answer ({(e is HttpRequestException ? e.Message : $"timed out after {settings.Timeout.TotalSeconds:0.###}s")})");
        }

        using (response)
        {
            var code = (int)response.StatusCode;
            if (code is 401 or 403)
            {
                throw new NonRetryableException($"{where}: sensor 'http': GET {shown} answered {code} {response.ReasonPhrase}; check the connection's credentials. Not waited on, since the same credentials fail again.");
            }

            if (code != expected)
            {
                return SensorPoke.NotYet($"GET {shown} answered {code}, waiting for {expected}");
            }

            if (context.Options.GetString("json_path") is not { } path)
            {
                return SensorPoke.Yes($"GET {shown} answered {code}");
            }

            var wanted = context.Options.GetRequiredString("equals");
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var actual = Field(body, path);
            return actual == wanted
                ? SensorPoke.Yes($"GET {shown}: {path} is '{wanted}'")
                : SensorPoke.NotYet($"GET {shown}: {path} is {(actual is null ? "missing" : $"'{actual}'")}, waiting for '{wanted}'");
        }
    }

    /// <summary>The field's value as text (a string without its quotes), or null when the body is not JSON or has no such field.</summary>
    private static string? Field(byte[] body, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var element = document.RootElement;
            foreach (var name in path.Split('.'))
            {
                if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child))
                {
                    element = child;
                }
                else if (element.ValueKind == JsonValueKind.Array && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < element.GetArrayLength())
                {
                    element = element[index];
                }
                else
                {
                    return null;
                }
            }

            return element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
