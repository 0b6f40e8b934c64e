using Sluice.Core.Tests.Support;
using Sluice.Validation;

namespace Sluice.Core.Tests.Yaml;

/// <summary>Text that is not valid YAML is reported with the file, line and column of the problem.</summary>
public sealed class YamlSyntaxErrorTests
{
    [Fact]
    public void Bad_indentation_is_reported_at_the_misindented_key()
    {
        var exception = Assert.Throws<PipelineValidationException>(() => Pipelines.Load("""
            name: x
            tasks:
              a:
                source: files
               output: y
            """));

        var error = Assert.Single(exception.Errors);
        ErrorAssert.IsAt(error, 5, 4);
        Assert.StartsWith("invalid YAML:", error.Message);
        Assert.StartsWith("pipeline.yaml:5:4: invalid YAML:", exception.Message);
    }

    [Fact]
    public void An_unclosed_double_quote_is_reported_where_the_quoted_text_starts()
    {
        var error = Assert.Single(Pipelines.LoadErrors("""
            name: x
            description: "abc
            tasks:
              a:
                source: files
            """));

        ErrorAssert.IsAt(error, 2, 14);
        Assert.StartsWith("invalid YAML:", error.Message);
    }

    [Fact]
    public void An_unclosed_single_quote_at_the_end_of_the_file_is_reported_where_it_starts()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\ntasks: {}\ndescription: 'abc\n"));

        ErrorAssert.IsAt(error, 3, 14);
        Assert.StartsWith("invalid YAML:", error.Message);
    }

    [Fact]
    public void A_task_id_used_twice_is_reported_at_the_second_one()
    {
        var error = Assert.Single(Pipelines.LoadErrors("""
            name: x
            tasks:
              a:
                source: files
                output: y
                with: { path: a.csv }
              a:
                source: files
                output: z
                with: { path: b.csv }
            """));

        ErrorAssert.IsAt(error, 7, 3);
        Assert.Contains("Duplicate key", error.Message);
    }

    [Fact]
    public void An_empty_file_is_an_error_naming_the_required_keys()
    {
        var error = Assert.Single(Pipelines.LoadErrors(string.Empty));

        ErrorAssert.IsAt(error, 1, 1);
        Assert.Contains("'name' and 'tasks'", error.Message);
    }

    [Fact]
    public void Tasks_written_as_a_list_is_an_error_at_the_list()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\ntasks:\n  - a\n"));

        ErrorAssert.IsAt(error, 3, 3);
        Assert.Equal("tasks must be a mapping of keys to values.", error.Message);
    }

    [Fact]
    public void A_tab_used_for_indentation_is_reported_at_its_line_and_column_with_a_hint()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\ntasks:\n  a:\n    source: files\n  \toutput: y\n"));

        ErrorAssert.IsAt(error, 5, 3);
        Assert.Contains("tab", error.Message, StringComparison.Ordinal);
        Assert.Contains("spaces", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tab_inside_a_quoted_value_is_not_mistaken_for_indentation()
    {
        var pipeline = Pipelines.Load("name: x\ndescription: \"a\tb\"\ntasks:\n  a: { source: files, output: y, with: { path: a.csv } }\n");

        Assert.Equal("a\tb", pipeline.Description);
    }

    [Fact]
    public void A_tab_used_for_indentation_in_connections_yaml_is_reported_at_its_line()
    {
        var file = Path.Combine(Path.GetTempPath(), "sluice-connections-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(file, "connections:\n  shop:\n\ttype: postgres\n");
        try
        {
            var exception = Assert.Throws<PipelineValidationException>(() => Sluice.Yaml.ConnectionsLoader.Load(file, new Dictionary<string, string?>()));

            var error = Assert.Single(exception.Errors);
            Assert.Equal((3, 1), (error.Location.Line, error.Location.Column));
            Assert.Contains("replace the tab with spaces", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

