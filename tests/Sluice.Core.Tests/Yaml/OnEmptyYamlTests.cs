using Sluice.Core.Tests.Support;
using Sluice.Model;

namespace Sluice.Core.Tests.Yaml;

/// <summary>The task key on_empty: its three values, and a located error for anything else.</summary>
public sealed class OnEmptyYamlTests
{
    private static string Task(string onEmpty) => $"""
        name: x
        tasks:
          a:
            source: files
            output: y
            {onEmpty}
            with: {"{"} path: a.csv {"}"}
        """;

    [Theory]
    [InlineData("on_empty: fail", EmptyPolicy.Fail)]
    [InlineData("on_empty: warn", EmptyPolicy.Warn)]
    [InlineData("on_empty: ok", EmptyPolicy.Ok)]
    [InlineData("", null)]
    public void Each_value_reaches_the_model_and_unset_stays_unset(string line, EmptyPolicy? expected)
    {
        var pipeline = Pipelines.Load(Task(line));

        Assert.Equal(expected, Assert.Single(pipeline.Tasks).OnEmpty);
    }

    [Fact]
    public void A_value_that_is_not_a_policy_is_an_error_at_the_value_listing_the_valid_ones()
    {
        var error = Assert.Single(Pipelines.LoadErrors(Task("on_empty: maybe")));

        ErrorAssert.IsAt(error, 6, 15);
        Assert.Equal("on_empty: unknown value 'maybe'. Valid: fail, ok, warn.", error.Message);
    }

    [Fact]
    public void A_misspelt_value_gets_a_did_you_mean()
    {
        var error = Assert.Single(Pipelines.LoadErrors(Task("on_empty: wran")));

        ErrorAssert.IsAt(error, 6, 15);
        Assert.Equal("on_empty: unknown value 'wran'. Did you mean 'warn'? Valid: fail, ok, warn.", error.Message);
    }

    [Fact]
    public void A_misspelt_key_gets_a_did_you_mean()
    {
        var error = Assert.Single(Pipelines.LoadErrors(Task("on_emtpy: ok")));

        ErrorAssert.IsAt(error, 6, 5);
        Assert.Contains("unknown key 'on_emtpy' in task 'a'. Did you mean 'on_empty'?", error.Message);
    }

    [Fact]
    public void On_empty_on_a_transform_is_refused_at_the_key_rather_than_ignored()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: a, with: { path: a.csv } }
              t:
                transform: sql
                input: a
                output: t
                on_empty: ok
                with: { sql: SELECT * FROM a }
            """));

        ErrorAssert.IsAt(error, 8, 15);
        Assert.Equal("task 't': on_empty applies to sources (zero rows extracted) and sinks (an empty load that would remove rows); put it on the task that extracts or loads this data.", error.Message);
    }
}
