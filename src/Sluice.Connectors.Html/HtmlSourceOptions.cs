using Sluice.Connectors.Http;
using Sluice.Model;

namespace Sluice.Connectors.Html;

/// <summary>The option specs of <c>source: html</c>.</summary>
internal static class HtmlSourceOptions
{
    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("connection", OptionKind.Connection, "An http connection (base URL, credentials, headers, timeouts, retries, rate limit); optional when url is absolute.") { Choices = [HttpConnection.TypeName] },
        OptionSpec.Text("url", "First page: a URL, or a path relative to the connection's base_url; templated.", required: true),
        new("query", OptionKind.StringMap, "Query parameters of the first page; templated."),
        new("headers", OptionKind.StringMap, "Extra request headers (over the connection's)."),
        OptionSpec.Text("table_selector", "CSS selector of a <table>: its header row gives the column names, each other row a record."),
        OptionSpec.Text("row_selector", "CSS selector of repeated elements, one record each (use with fields)."),
        new("fields", OptionKind.StringMap, "With row_selector: column name -> CSS selector inside the row, optionally followed by @attribute (a.title @href); @attribute alone reads the row element; '.' is the row's own text."),
        OptionSpec.Text("next_selector", "CSS selector of the link to the next page (its href); pages end when it matches nothing."),
        new("max_pages", OptionKind.Integer, "Stop after this many pages.") { Default = "10" },
        OptionSpec.Text("delay", "Polite pause between two page requests.", @default: "1s"),
        OptionSpec.Text("user_agent", "User-Agent header; overrides the connection's."),
        OptionSpec.Text("url_column", "Adds a column with this name holding the URL of each row's page."),
        new("columns", OptionKind.StringMap, "Column names and SQL types (text is cast to them); otherwise the output dataset's declared columns, otherwise every column is VARCHAR."),
    ];

    public static IEnumerable<string> Validate(TaskDefinition task)
    {
        var table = task.Options.Find("table_selector") is ScalarOption { Value: not null };
        var rows = task.Options.Find("row_selector") is ScalarOption { Value: not null };
        var fields = task.Options.Find("fields") is MapOption { Entries.Count: > 0 };
        if (table == rows)
        {
            yield return "give exactly one of table_selector (rows of a <table>) or row_selector with fields (repeated elements).";
        }

        if (rows && !fields)
        {
            yield return "row_selector needs fields: column name -> CSS selector inside each row, e.g. { title: a.title, link: a.title @href }.";
        }

        if (table && fields)
        {
            yield return "fields apply to row_selector; a table's columns come from its header row.";
        }

        if (task.Options.Find("max_pages") is ScalarOption { Value: { } max } && int.TryParse(max, out var pages) && pages < 1)
        {
            yield return "max_pages must be 1 or more.";
        }
    }
}
