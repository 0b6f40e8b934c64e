using Sluice.Alerts.Tests.Infrastructure;
using Sluice.Validation;

namespace Sluice.Alerts.Tests;

/// <summary>Each mistake in alerts.yaml is reported at its file:line:col, with what to do, before anything runs.</summary>
public sealed class ValidationTests
{
    private static PipelineValidationException Invalid(string yaml, IReadOnlyDictionary<string, string>? secrets = null)
    {
        using var setup = new AlertsSetup(yaml, secrets);
        return Assert.Throws<PipelineValidationException>(() => setup.CreateRouter());
    }

    private static PipelineValidationException ValidateOnly(string yaml)
    {
        using var setup = new AlertsSetup(yaml);
        return Assert.Throws<PipelineValidationException>(() => Configuration.AlertsFile.Validate(setup.AlertsFile, setup.Secrets));
    }

    [Fact]
    public void An_unknown_channel_type_is_located_and_the_closest_type_suggested()
    {
        var error = Invalid("""
            channels:
              team:
                type: slak
                url: http://127.0.0.1:9/hook
            routes:
              - channels: [team]
            """);

        var only = Assert.Single(error.Errors);
        Assert.EndsWith("alerts.yaml", only.Location.File);
        Assert.Equal((3, 11), (only.Location.Line, only.Location.Column));
        Assert.Contains("unknown channel type 'slak'", only.Message);
        Assert.Contains("Did you mean 'slack'?", only.Message);
    }

    [Fact]
    public void A_route_naming_an_undeclared_channel_is_located_with_a_suggestion()
    {
        const string yaml = """
            channels:
              oncall:
                type: webhook
                url: http://127.0.0.1:9/hook
            routes:
              - min_severity: error
                channels: [on_call]
            """;

        var error = Invalid(yaml);

        var only = Assert.Single(error.Errors);
        Assert.Equal((7, 15), (only.Location.Line, only.Location.Column));
        var validated = Assert.Single(ValidateOnly(yaml).Errors);
        Assert.Equal((only.Message, 7, 15), (validated.Message, validated.Location.Line, validated.Location.Column));
        Assert.Contains("unknown channel 'on_call'", only.Message);
        Assert.Contains("Did you mean 'oncall'?", only.Message);
    }

    [Fact]
    public void A_webhook_url_that_is_not_absolute_http_is_located()
    {
        var error = Invalid("""
            channels:
              ops:
                type: webhook
                url: ops.example.com/hook
            routes:
              - channels: [ops]
            """);

        var only = Assert.Single(error.Errors);
        Assert.Equal((4, 10), (only.Location.Line, only.Location.Column));
        Assert.Contains("absolute http:// or https:// URL", only.Message);
        Assert.Contains("'ops.example.com/hook'", only.Message);
    }

    [Fact]
    public void A_bad_url_from_a_secret_names_the_variable_never_the_value()
    {
        var error = Invalid(
            """
            channels:
              team:
                type: slack
                url: ${SLACK_URL}
            routes:
              - channels: [team]
            """,
            new Dictionary<string, string> { ["SLACK_URL"] = "hooks.example.com/T000/B000/topsecretpart" });

        var only = Assert.Single(error.Errors);
        Assert.Contains("${SLACK_URL}", only.Message);
        Assert.DoesNotContain("topsecretpart", error.Message);
    }

    [Fact]
    public void A_missing_secret_variable_is_located_and_named()
    {
        var error = Invalid("""
            channels:
              pager:
                type: pagerduty
                routing_key: ${SLUICE_TEST_UNSET_PD_KEY}
            routes:
              - min_severity: critical
                channels: [pager]
            """);

        var only = Assert.Single(error.Errors);
        Assert.Equal((4, 18), (only.Location.Line, only.Location.Column));
        Assert.Equal("secret variable 'SLUICE_TEST_UNSET_PD_KEY' of channel 'pager' is not set. Set it in the environment or in secrets.env beside the pipeline.", only.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = Invalid("""
            channels:
              mail:
                type: email
                host: 127.0.0.1
                form: alerts@example.com
                to: [data@example.com]
                tls: starttsl
            routes:
              - min_severity: fatal
                channels: [mail]
            """);

        Assert.Contains(error.Errors, e => e.Message.Contains("unknown key 'form'") && e.Message.Contains("Did you mean 'from'?"));
        Assert.Contains(error.Errors, e => e.Message.Contains("channel 'mail' needs 'from'"));
        Assert.Contains(error.Errors, e => e.Message.Contains("unknown tls mode 'starttsl'") && e.Message.Contains("'starttls'"));
        Assert.Contains(error.Errors, e => e.Message.Contains("unknown severity 'fatal'") && e.Location.Line == 9);
    }

    [Fact]
    public void A_file_without_routes_is_refused_because_nothing_would_be_sent()
    {
        var error = Invalid("""
            channels:
              ops: { type: webhook, url: "http://127.0.0.1:9/hook" }
            """);

        Assert.Contains("needs 'routes'", Assert.Single(error.Errors).Message);
    }

    [Fact]
    public void A_valid_file_gives_a_router_with_channels()
    {
        using var setup = new AlertsSetup(
            """
            channels:
              team: { type: slack, url: "${SLACK_URL}" }
              ops: { type: webhook, url: "http://127.0.0.1:9/hook", headers: { Authorization: "Bearer ${OPS_TOKEN}" } }
              mail: { type: email, host: 127.0.0.1, port: 2525, tls: none, from: sluice@example.com, to: [data@example.com] }
              pager: { type: pagerduty, routing_key: "${PD_KEY}", url: "http://127.0.0.1:9/enqueue" }
            routes:
              - pipelines: ["sales_*"]
                min_severity: error
                channels: [pager]
              - channels: [team, ops, mail]
            delivery: { timeout: 5s, attempts: 3, retry_delay: 500ms, max_total: 20s }
            grouping: { quiet_for: 30s, max_wait: 5m }
            """,
            new Dictionary<string, string> { ["SLACK_URL"] = "http://127.0.0.1:9/slack", ["OPS_TOKEN"] = "ops-token-123", ["PD_KEY"] = "pd-routing-key" });

        using var router = setup.CreateRouter();

        Assert.True(router.HasChannels);
        Assert.Equal(TimeSpan.FromSeconds(20), router.DeliveryBound);
        Assert.Equal("Bearer ***", setup.Masker.Apply("Bearer ops-token-123"));
    }

    [Fact]
    public void The_documented_example_file_is_valid()
    {
        var example = Path.Combine(AppContext.BaseDirectory, "docs-example-alerts.yaml");
        using var setup = new AlertsSetup(
            File.ReadAllText(example),
            new Dictionary<string, string>
            {
                ["SLACK_WEBHOOK_URL"] = "https://hooks.example.com/services/T000/B000/XXXX",
                ["OPS_WEBHOOK_TOKEN"] = "ops-token",
                ["SMTP_USER"] = "sluice",
                ["SMTP_PASSWORD"] = "smtp-password",
                ["PAGERDUTY_ROUTING_KEY"] = "routing-key",
            });

        using var router = setup.CreateRouter();

        Assert.True(router.HasChannels);
        Assert.Equal(TimeSpan.FromSeconds(30), router.DeliveryBound);
    }

    [Fact]
    public void The_sales_examples_alert_file_is_valid_without_any_variable_and_stays_on_loopback()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "sales-example-alerts.yaml"));
        using var setup = new AlertsSetup(text, new Dictionary<string, string>());

        using var router = setup.CreateRouter();

        Assert.True(router.HasChannels);
        Assert.Equal(TimeSpan.FromSeconds(10), router.DeliveryBound);
        // Every default address is loopback: trying the example sends nothing off the machine.
        var defaults = System.Text.RegularExpressions.Regex.Matches(text, @"\$\{[A-Z_]+:-([^}]*)\}").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["http://127.0.0.1:8099/sluice", "127.0.0.1", "2525", "data-team@localhost"], defaults);
    }
}
