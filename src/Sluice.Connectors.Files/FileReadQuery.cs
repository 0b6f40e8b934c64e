using Sluice.Templating;

namespace Sluice.Connectors.Files;

/// <summary>Builds the DuckDB reader call for a file format; option values are bound parameters.</summary>
internal sealed class FileReadQuery
{
    private readonly List<SqlParameterValue> _parameters = [];

    /// <param name="sniff">
    /// CSV: let DuckDB sniff the file when the read is bound. Off for a view read in place (every bind
    /// of a query over it would sniff again, ~0.1 s each); its dialect and columns are all given then.
    /// </param>
    public FileReadQuery(ConnectorOptions options, FileFormat format, IReadOnlyList<KeyValuePair<string, string>> columns, bool storeRejects, bool tabSeparated = false, bool sniff = true)
    {
        var arguments = new List<string> { "$files" };
        switch (format)
        {
            case FileFormat.Csv:
                Bind(arguments, "header", options.GetBool("header"));
                Bind(arguments, "delim", tabSeparated ? "\t" : options.GetRequiredString("delimiter"));
                Bind(arguments, "quote", options.GetRequiredString("quote"));
                Bind(arguments, "escape", options.GetString("escape") ?? options.GetRequiredString("quote"));
                Bind(arguments, "encoding", options.GetChoice("encoding"));
                Bind(arguments, "skip", options.GetInt("skip_rows"));
                var nulls = options.GetList("null_values");
                Bind(arguments, "nullstr", nulls.Count == 0 ? new[] { string.Empty } : nulls.ToArray());
                BindOptional(arguments, "dateformat", options.GetString("date_format"));
                BindOptional(arguments, "timestampformat", options.GetString("timestamp_format"));
                if (storeRejects)
                {
                    arguments.Add("store_rejects = true");
                }

                if (!sniff)
                {
                    arguments.Add("auto_detect = false");
                }

                AddCommon(arguments, options, columns);
                Sql = $"SELECT * FROM read_csv({string.Join(", ", arguments)})";
                break;
            case FileFormat.JsonLines or FileFormat.JsonArray:
                Bind(arguments, "format", format == FileFormat.JsonLines ? "newline_delimited" : "array");
                AddCommon(arguments, options, columns);
                Sql = $"SELECT * FROM read_json({string.Join(", ", arguments)})";
                break;
            default:
                arguments.Add("union_by_name = true");
                if (options.GetString("filename_column") is { } name)
                {
                    Bind(arguments, "filename", name);
                }

                var select = columns.Count == 0 ? "*" : string.Join(", ", columns.Select(c => $"CAST({Sluice.Engine.DuckDb.SqlText.Identifier(c.Key)} AS {c.Value}) AS {Sluice.Engine.DuckDb.SqlText.Identifier(c.Key)}"));
                if (columns.Count > 0)
                {
                    ColumnTypes.Struct(columns); // refuses anything that is not a type name
                }

                Sql = $"SELECT {select} FROM read_parquet({string.Join(", ", arguments)})";
                break;
        }
    }

    public string Sql { get; } = string.Empty;

    public IReadOnlyList<SqlParameterValue> Parameters => _parameters;

    private void AddCommon(List<string> arguments, ConnectorOptions options, IReadOnlyList<KeyValuePair<string, string>> columns)
    {
        if (columns.Count > 0)
        {
            arguments.Add($"columns = {ColumnTypes.Struct(columns)}");
        }

        if (options.GetString("filename_column") is { } name)
        {
            Bind(arguments, "filename", name);
        }
    }

    private void Bind(List<string> arguments, string name, object value)
    {
        var parameter = "o_" + name;
        _parameters.Add(new SqlParameterValue(parameter, value));
        arguments.Add($"{name} = ${parameter}");
    }

    private void BindOptional(List<string> arguments, string name, string? value)
    {
        if (value is not null)
        {
            Bind(arguments, name, value);
        }
    }
}
