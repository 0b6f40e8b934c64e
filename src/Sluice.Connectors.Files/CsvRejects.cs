using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.Files;

/// <summary>
/// Malformed CSV rows that DuckDB set aside while reading: fail the task naming file and line, or
/// write them to the quarantine dataset with their reason.
/// </summary>
internal sealed class CsvRejects(DuckDbSession session, TaskContext context)
{
    /// <summary>
    /// DuckDB records one error per missing or extra column, each with the count it had reached at
    /// that column ("Found: 2", then "Found: 3" for a row of two fields). One row gets one record:
    /// the count it really has (the smallest for missing, the largest for extra columns), and its
    /// other errors (casts) joined to the same reason.
    /// </summary>
    private const string PerLineQuery = """
        WITH errors AS (
            SELECT coalesce(c.original, s.file_path) AS source_file,
                   e.line::BIGINT + coalesce((SELECT max(o.line_offset) FROM sluice_line_offsets o WHERE o.source_file = coalesce(c.original, s.file_path) AND o.after_line < e.line), 0) AS line_number, e.column_idx, e.error_type::VARCHAR AS error_type,
                   e.column_name, e.error_message, e.csv_line,
                   TRY_CAST(regexp_extract(e.error_message, 'Expected Number of Columns: (\d+)', 1) AS BIGINT) AS expected,
                   TRY_CAST(regexp_extract(e.error_message, 'Found: (\d+)', 1) AS BIGINT) AS found
            FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id) LEFT JOIN sluice_copies c ON c.copy = s.file_path)
        SELECT source_file, line_number,
               CASE WHEN bool_or(error_type = 'MISSING COLUMNS') THEN 'MISSING COLUMNS'
                    WHEN bool_or(error_type = 'TOO MANY COLUMNS') THEN 'TOO MANY COLUMNS'
                    ELSE first(error_type ORDER BY column_idx) END AS error_type,
               string_agg(column_name, ', ' ORDER BY column_idx) AS column_name,
               concat_ws('; ',
                   CASE WHEN bool_or(error_type = 'MISSING COLUMNS') THEN printf('Expected Number of Columns: %d Found: %d', max(expected), min(found) FILTER (WHERE error_type = 'MISSING COLUMNS'))
                        WHEN bool_or(error_type = 'TOO MANY COLUMNS') THEN printf('Expected Number of Columns: %d Found: %d', max(expected), max(found) FILTER (WHERE error_type = 'TOO MANY COLUMNS')) END,
                   string_agg(error_message, '; ' ORDER BY column_idx) FILTER (WHERE error_type NOT IN ('MISSING COLUMNS', 'TOO MANY COLUMNS'))) AS reason,
               first(csv_line) AS raw_line
        FROM errors
        GROUP BY source_file, line_number
        UNION ALL
        SELECT * FROM sluice_structure_rejects
        """;

    public async Task<long> HandleAsync(CancellationToken cancellationToken)
    {
        var count = await session.ScalarAsync<long>("SELECT (SELECT count(*) FROM (SELECT DISTINCT scan_id, file_id, line FROM reject_errors)) + (SELECT count(*) FROM sluice_structure_rejects)", [], cancellationToken);
        if (count == 0 && context.Task.OnBadRows == BadRowPolicy.Fail)
        {
            return 0;
        }

        if (context.Task.OnBadRows == BadRowPolicy.Fail)
        {
            var first = await session.QueryAsync($"SELECT source_file, line_number, reason, raw_line FROM ({PerLineQuery}) ORDER BY source_file, line_number LIMIT 5", [], cancellationToken);
            throw new BadDataException(Message(context.Task.Id, count, first.Select(r => new CsvProblem((string)r[0]!, (long)r[1]!, (string)r[2]!, r[3] as string)).ToList()));
        }

        await session.CopyToParquetAsync($"{PerLineQuery} ORDER BY source_file, line_number", [], context.OutputPath(context.Task.EffectiveQuarantineOutput!), cancellationToken);
        return count;
    }

    /// <summary>The failure for malformed rows: the first few with file, line, reason and text, and what to do.</summary>
    public static string Message(string taskId, long count, IReadOnlyList<CsvProblem> first)
    {
        var lines = first.Select(p => $"{p.File}:{p.Line}: {p.Reason} (row: {Truncate(p.RawLine)})");
        var more = count > first.Count ? $" and {count - first.Count} more" : string.Empty;
        return $"task '{taskId}': {count} malformed CSV row(s){more}: {string.Join("; ", lines)}. Fix the file, or set on_bad_rows: quarantine to load the good rows and keep these aside.";
    }

    private static string Truncate(string? text) =>
        text is null ? string.Empty : text.Length <= 120 ? text : text[..120] + "...";
}

/// <summary>One malformed row: where it is, why, and its text.</summary>
internal sealed record CsvProblem(string File, long Line, string Reason, string? RawLine);
