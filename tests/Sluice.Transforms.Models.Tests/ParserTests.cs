using Sluice.Transforms.Models;

namespace Sluice.Transforms.Models.Tests;

/// <summary>The model file reader on its own: config lines, templates, and what stays untouched.</summary>
public sealed class ParserTests
{
    private static ModelFile Parse(string sql) => ModelParser.Parse("m", "/m.sql", "m.sql", sql);

    private static string Render(ModelFile model, bool incremental) =>
        model.Render(incremental, name => $"<{name}>", dataset => $"[{dataset}]", "<this>");

    [Fact]
    public void Config_comes_from_the_leading_comment_only()
    {
        var model = Parse("-- Daily orders.\n\n--  Materialized : Incremental\n-- unique_key: order_id, \"line no\"\nSELECT 1\n-- materialized: view\n");

        Assert.Empty(model.Errors);
        Assert.Equal(Materialization.Incremental, model.Config.Materialized);
        Assert.Equal(["order_id", "line no"], model.Config.UniqueKey);
        Assert.Equal(IncrementalStrategy.DeleteInsert, model.Config.Strategy);
    }

    [Fact]
    public void Refs_sources_and_this_are_replaced_but_comments_and_literals_are_not()
    {
        var model = Parse("""
            -- materialized: incremental
            SELECT '{{ ref(''x'') }}' AS t, "{{ this }}" AS q /* {{ ref('y') }} */
            FROM {{ ref('a') }} JOIN {{source("raw")}} USING (id) -- {{ ref('z') }}
            {% if is_incremental %}WHERE id > (SELECT max(id) FROM {{ this }}){% endif %}
            """);

        Assert.Empty(model.Errors);
        Assert.Equal(["a"], model.Upstream);
        Assert.Equal(
            """
            -- materialized: incremental
            SELECT '{{ ref(''x'') }}' AS t, "{{ this }}" AS q /* {{ ref('y') }} */
            FROM <a> JOIN [raw] USING (id) -- {{ ref('z') }}
            WHERE id > (SELECT max(id) FROM <this>)
            """,
            Render(model, incremental: true));
    }

    [Fact]
    public void The_branch_that_does_not_apply_leaves_its_line_breaks_so_line_numbers_hold()
    {
        var model = Parse("-- materialized: incremental\nSELECT x\nFROM t\n{% if is_incremental %}\nWHERE x >\n  (SELECT max(x) FROM {{ this }})\n{% else %}\nWHERE x > 0\n{% endif %}\nAND bad");

        var full = Render(model, incremental: false);
        var incremental = Render(model, incremental: true);

        Assert.Equal(10, full.Split('\n').Length);
        Assert.Equal(10, incremental.Split('\n').Length);
        Assert.Equal("AND bad", full.Split('\n')[9]);
        Assert.Equal("WHERE x > 0", full.Split('\n')[7]);
        Assert.Equal("  (SELECT max(x) FROM <this>)", incremental.Split('\n')[5]);
    }

    [Fact]
    public void Run_variables_stay_for_the_renderer_and_are_noted_even_inside_literals()
    {
        var model = Parse("-- materialized: table\nSELECT {{ ds }} AS d, 'day {{ ds_nodash }}' AS s, '${USER:-me}' AS u");

        Assert.Equal(["ds", "ds_nodash", "USER"], model.Variables.Select(v => v.Name));
        Assert.Contains("SELECT {{ ds }} AS d, 'day {{ ds_nodash }}' AS s", Render(model, false), StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_line_endings_are_read_like_unix_ones()
    {
        var model = Parse("-- materialized: table\r\nSELECT 1 AS x\r\nFROM {{ ref('nope') }}");

        Assert.Equal(Materialization.Table, model.Config.Materialized);
        Assert.Equal("m.sql:3:6", Assert.Single(model.Refs).Location.ToString());
    }
}
