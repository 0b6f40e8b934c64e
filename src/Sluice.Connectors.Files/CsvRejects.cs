using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.Files;

/// <summary>
/// Malformed CSV rows that DuckDB set aside while reading: fail the task naming file and line, or
/// write them to the quarantine dataset with their reason.
/// </summary>
internal sealed class CsvRejects(DuckDbSession session, TaskContext context)
{
    private const string RejectsQuery = """
        SELECT s.file_path AS source_file, e.line::BIGINT AS line_number, e.error_type::VARCHAR AS error_type,
               e.column_name, e.error_message AS reason, e.csv_line AS raw_line
        FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id)
        """;

    public async Task<long> HandleAsync(CancellationToken cancellationToken)
    {
        var count = await session.ScalarAsync<long>("SELECT count(*) FROM (SELECT DISTINCT scan_id, file_id, line FROM reject_errors)", [], cancellationToken);
        if (count == 0 && context.Task.OnBadRows == BadRowPolicy.Fail)
        {
            return 0;
        }

        if (context.Task.OnBadRows == BadRowPolicy.Fail)
        {
            var first = await session.QueryAsync(RejectsQuery + " ORDER BY source_file, line_number LIMIT 5", [], cancellationToken);
            var lines = first.Select(r => $"{r[0]}:{r[1]}: {r[4]} (row: {Truncate(r[5] as string)})");
            var more = count > first.Count ? $" and {count - first.Count} more" : string.Empty;
            throw new BadDataException(
                $"task '{context.Task.Id}': {count} malformed CSV row(s){more}: {string.Join("; ", lines)}. Fix the file, or set on_bad_rows: quarantine to load the good rows and keep these aside.");
        }

        // One reason per rejected line keeps the quarantine a row-for-row record of what was left out.
        var perLine = $"SELECT source_file, line_number, first(error_type ORDER BY column_name) AS error_type, string_agg(DISTINCT column_name, ', ') AS column_name, first(reason ORDER BY column_name) AS reason, first(raw_line) AS raw_line FROM ({RejectsQuery}) GROUP BY source_file, line_number ORDER BY source_file, line_number";
        await session.CopyToParquetAsync(perLine, [], context.OutputPath(context.Task.EffectiveQuarantineOutput!), cancellationToken);
        return count;
    }

    private static string Truncate(string? text) =>
        text is null ? string.Empty : text.Length <= 120 ? text : text[..120] + "...";
}
