using System.Text;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Http.Records;

/// <summary>
/// Stages records as JSON lines in a temporary file while pages arrive, then has DuckDB's read_json
/// turn the file into the Parquet dataset. Chosen over DatasetWriter because an API's columns are
/// only known once every page is seen: a field that is null on page 1 and a number on page 900, or
/// that first appears on page 900, still gets one right type, inferred over all records (or the
/// declared one), while memory holds one page at a time.
/// </summary>
internal sealed partial class JsonLinesDataset : IAsyncDisposable
{
    private readonly DuckDbSettings _settings;
    private readonly string _path;
    private readonly FileStream _file;
    private readonly List<StagedRowError.PageStart> _pages = [];
    private readonly string _unit;

    /// <param name="unit">What a line is to the user, for messages: a "record" of an API, a "row" of a web page.</param>
    public JsonLinesDataset(DuckDbSettings? settings, string unit = "record")
    {
        _unit = unit;
        _settings = settings ?? DuckDbSettings.Default;
        Directory.CreateDirectory(_settings.TempDirectory);
        _path = Path.Combine(_settings.TempDirectory, $"records-{Guid.NewGuid():N}.jsonl");
        _file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
    }

    public long Rows { get; private set; }

    /// <summary>The fields every record appended so far had, for the contract check.</summary>
    public FieldCatalog Fields { get; } = new();

    /// <summary>Appends flat JSON lines (one object per line) of the page at <paramref name="page"/>.</summary>
    public async ValueTask AppendAsync(ReadOnlyMemory<byte> lines, int rows, Uri page, CancellationToken cancellationToken)
    {
        _pages.Add(new(Rows + 1, Client.SafeUrl.Describe(page)));
        await _file.WriteAsync(lines, cancellationToken);
        Rows += rows;
    }

    /// <summary>Appends a parsed page's lines and notes its fields.</summary>
    public async ValueTask AppendAsync(Paging.PageResult page, CancellationToken cancellationToken)
    {
        _pages.Add(new(Rows + 1, Client.SafeUrl.Describe(page.Url)));
        await page.Lines.CopyToAsync(_file, cancellationToken);
        Rows += page.Records;
        Fields.Merge(page.Fields);
    }

    /// <summary>
    /// Writes the Parquet dataset: declared columns are read with their types (missing keys become
    /// NULL, extra keys are left out); otherwise types are inferred over every record.
    /// </summary>
    public async Task<long> CompleteAsync(string parquetPath, IReadOnlyList<KeyValuePair<string, string>> columns, string where, CancellationToken cancellationToken)
    {
        await _file.FlushAsync(cancellationToken);
        await _file.DisposeAsync();
        foreach (var (name, type) in columns.Where(c => !TypeName().IsMatch(c.Value)))
        {
            throw new NonRetryableException($"{where}: column '{name}' has type '{type}', which is not a SQL type name such as BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP, DECIMAL(18,2), VARCHAR[] or JSON.");
        }

        await using var session = await DuckDbSession.OpenAsync(_settings, cancellationToken);
        if (Rows == 0)
        {
            if (columns.Count == 0)
            {
                throw new NonRetryableException($"{where}: no records were returned, and without declared columns an empty dataset has no schema. Declare the columns (the task's 'columns' option or the output dataset's columns) so an empty interval writes an empty dataset.");
            }

            var empty = $"SELECT * FROM (SELECT {string.Join(", ", columns.Select(c => $"CAST(NULL AS {c.Value}) AS {SqlText.Identifier(c.Key)}"))}) WHERE false";
            return await session.CopyToParquetAsync(empty, [], parquetPath, cancellationToken);
        }

        var declared = columns.Count == 0 ? string.Empty : $", columns = {Struct(columns)}";
        // sample_size = -1: infer from every record, so a column first seen late still gets its type.
        // map_inference_threshold = -1: an object with many keys inside an array stays a STRUCT, as it arrived.
        var sql = $"SELECT * FROM read_json($file, format = 'newline_delimited', records = true, sample_size = -1, map_inference_threshold = -1{declared})";
        try
        {
            return await session.CopyToParquetAsync(sql, [new("file", _path)], parquetPath, cancellationToken);
        }
        catch (DuckDBException e) when (!cancellationToken.IsCancellationRequested && DuckDbErrors.IsPermanent(e))
        {
            throw new BadDataException($"{where}: {await StagedRowError.DescribeAsync(e.Message, _path, _pages, _unit, columns, session, cancellationToken)}");
        }
        catch (DuckDBException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Out of memory or disk: another attempt, or more room, can succeed.
            throw new SluiceException($"{where}: DuckDB could not write the dataset from {Rows} record(s): {DuckDbErrors.FirstLine(e.Message)}");
        }
    }

    private static string Struct(IReadOnlyList<KeyValuePair<string, string>> columns)
    {
        var text = new StringBuilder("{");
        foreach (var (name, type) in columns)
        {
            text.Append(text.Length > 1 ? ", " : string.Empty).Append(SqlText.Literal(name)).Append(": ").Append(SqlText.Literal(type));
        }

        return text.Append('}').ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync();
        File.Delete(_path);
    }

    // Types are pasted into the reader call (DuckDB cannot bind them), so only type names pass.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])*$")]
    private static partial Regex TypeName();
}
