using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Core.Tests.Templating;

/// <summary>Text rendering of run variables, params and environment variables in option values.</summary>
public sealed class TemplateRendererTests
{
    // 2024-03-01 in Paris (UTC+1): the interval starts and ends at 23:00 UTC the evening before.
    private static readonly DataInterval ParisDay = new(
        new DateOnly(2024, 3, 1),
        new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.FromHours(1)),
        new DateTimeOffset(2024, 3, 2, 0, 0, 0, TimeSpan.FromHours(1)));

    private static readonly SourceLocation Option = new("pipeline.yaml", 12, 7);

    private static readonly Dictionary<string, string> Params = new() { ["region"] = "emea", ["factor"] = "5" };

    private static TemplateRenderer Renderer(Dictionary<string, string>? environment = null, SecretMasker? secrets = null) =>
        new(ParisDay, Params, secrets ?? new SecretMasker(), name => environment?.GetValueOrDefault(name), runId: "42");

    [Theory]
    [InlineData("{{ ds }}", "2024-03-01")]
    [InlineData("{{ds}}", "2024-03-01")]
    [InlineData("{{ ds_nodash }}", "20240301")]
    [InlineData("{{ logical_date }}", "2024-03-01")]
    [InlineData("{{ data_interval_start }}", "2024-02-29T23:00:00Z")]
    [InlineData("{{ data_interval_end }}", "2024-03-01T23:00:00Z")]
    [InlineData("{{ run_id }}", "42")]
    [InlineData("{{ params.region }}", "emea")]
    [InlineData("data/{{ params.region }}/orders_{{ ds_nodash }}.csv", "data/emea/orders_20240301.csv")]
    [InlineData("no templates here", "no templates here")]
    public void Render_replaces_run_variables_and_params(string text, string expected)
    {
        Assert.Equal(expected, Renderer().Render(text, Option));
    }

    [Fact]
    public void Environment_variables_come_from_the_injected_function()
    {
        var renderer = Renderer(new() { ["DATA_DIR"] = "/srv/data" });

        Assert.Equal("/srv/data/orders_2024-03-01.csv", renderer.Render("${DATA_DIR}/orders_{{ ds }}.csv", Option));
    }

    [Fact]
    public void The_process_environment_is_not_read_when_a_function_is_injected()
    {
        Assert.NotNull(Environment.GetEnvironmentVariable("PATH"));

        Assert.ThrowsAny<SluiceException>(() => Renderer().Render("${PATH}", Option));
    }

    [Theory]
    [InlineData("${BUCKET:-raw}", "raw")]
    [InlineData("s3://${BUCKET:-raw-data}/x", "s3://raw-data/x")]
    [InlineData("${BUCKET:-}", "")]
    public void A_default_is_used_when_the_variable_is_not_set(string text, string expected)
    {
        Assert.Equal(expected, Renderer().Render(text, Option));
    }

    [Fact]
    public void A_set_variable_wins_over_its_default()
    {
        Assert.Equal("lake", Renderer(new() { ["BUCKET"] = "lake" }).Render("${BUCKET:-raw}", Option));
    }

    [Fact]
    public void A_missing_environment_variable_names_it_without_any_value()
    {
        var renderer = Renderer(new() { ["DB_USER"] = "alice_reporting" });

        var error = Assert.ThrowsAny<SluiceException>(() => renderer.Render("user=${DB_USER} password=${DB_PASSWORD}", Option));

        Assert.Equal(
            "pipeline.yaml:12:7: environment variable 'DB_PASSWORD' is not set. Set it, or give a default with ${DB_PASSWORD:-value}.",
            error.Message);
        Assert.DoesNotContain("alice_reporting", error.Message);
    }

    [Fact]
    public void An_unknown_variable_lists_the_known_ones()
    {
        var error = Assert.ThrowsAny<SluiceException>(() => Renderer().Render("orders_{{ dss }}.csv", Option));

        Assert.Equal(
            "pipeline.yaml:12:7: unknown template variable '{{ dss }}'. Known variables: data_interval_end, data_interval_start, ds, ds_nodash, logical_date, params.factor, params.region, run_id.",
            error.Message);
    }

    [Fact]
    public void Rendered_environment_values_are_registered_as_secrets()
    {
        var secrets = new SecretMasker();
        var renderer = Renderer(new() { ["DB_PASSWORD"] = "s3cr3t-pass" }, secrets);

        var rendered = renderer.Render("postgres://app:${DB_PASSWORD}@db/sales", Option);

        Assert.Equal("postgres://app:s3cr3t-pass@db/sales", rendered);
        Assert.Equal("postgres://app:***@db/sales", secrets.Apply(rendered));
    }

    [Fact]
    public void Environment_values_are_inserted_literally()
    {
        var renderer = Renderer(new() { ["DB_PASSWORD"] = "ab{{ ds }}cd" });

        Assert.Equal("ab{{ ds }}cd", renderer.Render("${DB_PASSWORD}", Option));
    }

    [Theory]
    [InlineData("raw/{{ ds | date('%Y/%m/%d') }}/events.json", "raw/2024/03/01/events.json")]
    [InlineData("raw/{{ds|date(\"%Y/%m/%d\")}}/events.json", "raw/2024/03/01/events.json")]
    [InlineData("year={{ logical_date | date('%Y') }}/month={{ ds | date('%m') }}", "year=2024/month=03")]
    [InlineData("{{ ds | date('%y%j %%d') }}", "24061 %d")]
    [InlineData("{{ data_interval_start | date('%Y-%m-%dT%H:%M:%S') }}", "2024-02-29T23:00:00")]
    public void The_date_filter_formats_date_parts_for_keys_laid_out_by_date(string text, string expected)
    {
        Assert.Equal(expected, Renderer().Render(text, Option));
    }

    [Theory]
    [InlineData("{{ ds | upper }}", "unknown template filter 'upper'")]
    [InlineData("{{ ds | date('%Y/%Q') }}", "unknown date format directive '%Q'")]
    [InlineData("{{ ds | date }}", "the date filter needs a format")]
    [InlineData("{{ params.region | date('%Y') }}", "'params.region' is not a date")]
    public void A_bad_filter_is_refused_with_its_location(string text, string reason)
    {
        var error = Assert.ThrowsAny<SluiceException>(() => Renderer().Render(text, Option));

        Assert.StartsWith("pipeline.yaml:12:7: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}

