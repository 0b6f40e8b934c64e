using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Core.Tests.Templating;

/// <summary>RenderSql: template expressions become bound parameters, never text pasted into the SQL.</summary>
public sealed class SqlTemplateTests
{
    private static readonly DateOnly Day = new(2024, 3, 1);
    private static readonly DataInterval UtcDay = new(Day, new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 3, 2, 0, 0, 0, TimeSpan.Zero));
    private static readonly SourceLocation Option = new("pipeline.yaml", 9, 12);

    private static SqlTemplate Compile(string sql, Dictionary<string, string>? environment = null, SecretMasker? secrets = null) =>
        new TemplateRenderer(UtcDay, new Dictionary<string, string> { ["region"] = "emea" }, secrets ?? new SecretMasker(), name => environment?.GetValueOrDefault(name))
            .RenderSql(sql, Option, name => "$" + name);

    [Fact]
    public void A_bare_template_becomes_a_placeholder_bound_to_a_date()
    {
        var query = Compile("SELECT * FROM orders WHERE order_date = {{ ds }}");

        Assert.Equal("SELECT * FROM orders WHERE order_date = $p0", query.Sql);
        var parameter = Assert.Single(query.Parameters);
        Assert.Equal("p0", parameter.Name);
        Assert.Equal(Day, Assert.IsType<DateOnly>(parameter.Value));
    }

    [Fact]
    public void The_placeholder_syntax_comes_from_the_caller()
    {
        var query = new TemplateRenderer(UtcDay, new Dictionary<string, string>(), new SecretMasker(), _ => null)
            .RenderSql("SELECT {{ ds }}", Option, name => "@" + name);

        Assert.Equal("SELECT @p0", query.Sql);
    }

    [Fact]
    public void Several_templates_are_numbered_in_order()
    {
        var query = Compile("WHERE ts >= {{ data_interval_start }} AND ts < {{ data_interval_end }} AND region = {{ params.region }}");

        Assert.Equal("WHERE ts >= $p0 AND ts < $p1 AND region = $p2", query.Sql);
        Assert.Equal(["p0", "p1", "p2"], query.Parameters.Select(p => p.Name));
        Assert.Equal(new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc), query.Parameters[0].Value);
        Assert.Equal(new DateTime(2024, 3, 2, 0, 0, 0, DateTimeKind.Utc), query.Parameters[1].Value);
        Assert.Equal("emea", query.Parameters[2].Value);
    }

    [Fact]
    public void A_template_that_is_a_whole_literal_becomes_one_parameter_without_quotes()
    {
        var query = Compile("SELECT * FROM orders WHERE day = '{{ ds }}'");

        Assert.Equal("SELECT * FROM orders WHERE day = CAST($p0 AS VARCHAR)", query.Sql);
        Assert.DoesNotContain('\'', query.Sql);
        Assert.Equal(Day, Assert.Single(query.Parameters).Value);
    }

    [Fact]
    public void A_template_inside_a_longer_literal_becomes_a_concatenation()
    {
        var query = Compile("SELECT * FROM read_csv('orders_{{ ds }}.csv')");

        Assert.Equal("SELECT * FROM read_csv(('orders_' || CAST($p0 AS VARCHAR) || '.csv'))", query.Sql);
        Assert.Equal(Day, Assert.Single(query.Parameters).Value);
    }

    [Fact]
    public void An_environment_secret_is_bound_and_never_written_into_the_sql()
    {
        var secrets = new SecretMasker();
        var query = Compile("SELECT * FROM api WHERE token = '${API_TOKEN}' OR key = ${API_TOKEN}", new() { ["API_TOKEN"] = "tok-9f8e7d" }, secrets);

        Assert.Equal("SELECT * FROM api WHERE token = CAST($p0 AS VARCHAR) OR key = $p1", query.Sql);
        Assert.DoesNotContain("tok-9f8e7d", query.Sql);
        Assert.All(query.Parameters, p => Assert.Equal("tok-9f8e7d", p.Value));
        Assert.Equal("token ***", secrets.Apply("token tok-9f8e7d"));
    }

    [Fact]
    public void An_environment_default_is_bound_too()
    {
        var query = Compile("SELECT * FROM t WHERE schema_name = ${SCHEMA:-main}");

        Assert.Equal("SELECT * FROM t WHERE schema_name = $p0", query.Sql);
        Assert.Equal("main", Assert.Single(query.Parameters).Value);
    }

    [Theory]
    [InlineData("SELECT 1 -- don't panic\n, {{ ds }} AS d", "SELECT 1 -- don't panic\n, $p0 AS d")]
    [InlineData("SELECT /* it's fine */ {{ ds }} AS d", "SELECT /* it's fine */ $p0 AS d")]
    [InlineData("SELECT \"owner's id\", {{ ds }} FROM t", "SELECT \"owner's id\", $p0 FROM t")]
    [InlineData("SELECT \"a \"\"quoted' name\", {{ ds }} FROM t", "SELECT \"a \"\"quoted' name\", $p0 FROM t")]
    public void Apostrophes_in_comments_and_quoted_identifiers_do_not_open_a_string(string sql, string expected)
    {
        var query = Compile(sql);

        Assert.Equal(expected, query.Sql);
        Assert.Equal(Day, Assert.Single(query.Parameters).Value);
    }

    [Fact]
    public void Doubled_quotes_inside_literals_are_preserved()
    {
        var query = Compile("SELECT 'it''s' AS a, {{ ds }} AS d");

        Assert.Equal("SELECT 'it''s' AS a, $p0 AS d", query.Sql);
        Assert.Single(query.Parameters);
    }

    [Fact]
    public void Doubled_quotes_are_preserved_in_a_concatenation()
    {
        var query = Compile("SELECT 'it''s {{ ds }}'");

        Assert.Equal("SELECT ('it''s ' || CAST($p0 AS VARCHAR))", query.Sql);
    }

    [Fact]
    public void Comment_markers_inside_a_literal_are_text()
    {
        var query = Compile("SELECT '-- not a comment {{ ds }}'");

        Assert.Equal("SELECT ('-- not a comment ' || CAST($p0 AS VARCHAR))", query.Sql);
    }

    [Theory]
    [InlineData("SELECT 1 -- run for {{ ds }}")]
    [InlineData("SELECT /* {{ ds }} */ 1")]
    [InlineData("SELECT \"{{ ds }}\" FROM t")]
    public void Templates_in_comments_and_identifiers_are_left_alone(string sql)
    {
        var query = Compile(sql);

        Assert.Equal(sql, query.Sql);
        Assert.Empty(query.Parameters);
    }

    [Fact]
    public void An_unknown_variable_in_sql_is_an_error_at_the_option()
    {
        var error = Assert.ThrowsAny<SluiceException>(() => Compile("SELECT {{ dss }}"));

        Assert.StartsWith("pipeline.yaml:9:12: unknown template variable '{{ dss }}'.", error.Message);
    }

    [Fact]
    public void A_formatted_date_becomes_one_text_parameter_even_inside_a_literal()
    {
        var query = Compile("SELECT * FROM read_json('raw/{{ ds | date('%Y/%m/%d') }}/events.json') WHERE month = {{ ds | date('%Y-%m') }}");

        Assert.Equal("SELECT * FROM read_json(('raw/' || CAST($p0 AS VARCHAR) || '/events.json')) WHERE month = $p1", query.Sql);
        Assert.Equal<object?>(["2024/03/01", "2024-03"], query.Parameters.Select(p => p.Value));
    }
}

