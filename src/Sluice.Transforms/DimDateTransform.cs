using System.Globalization;
using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Transforms;

/// <summary>
/// <c>transform: dim_date</c>: one row per day of a date range (by default the run's data interval)
/// with the attributes reports group by, and holiday flags from a list or a CSV file.
/// </summary>
public sealed class DimDateTransform(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "dim_date";

    public TaskKind Kind => TaskKind.Transform;

    public string Description => "Generates a date dimension over a date range, with ISO weeks, weekends and holidays.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Text("start", "First date, YYYY-MM-DD, templated (default: the start of the data interval)."),
        OptionSpec.Text("end", "Last date, inclusive (default: the last day of the data interval)."),
        new("holidays", OptionKind.StringMap, "Holidays as date: name, e.g. { 2024-12-25: Christmas }."),
        OptionSpec.Text("holidays_file", "A CSV file with columns date,name, relative to the pipeline file."),
    ];

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var start = Date(context, "start") ?? DateOnly.FromDateTime(context.Interval.Start.Date);
        var end = Date(context, "end") ?? DateOnly.FromDateTime(context.Interval.End.Date).AddDays(-1);
        if (end < start)
        {
            throw new NonRetryableException($"{context.Options.LocationOf("end")}: end {end:yyyy-MM-dd} is before start {start:yyyy-MM-dd}.");
        }

        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        await session.ExecuteAsync("CREATE TEMP TABLE holidays (date DATE, name VARCHAR)", [], cancellationToken);
        foreach (var (date, name) in Holidays(context))
        {
            await session.ExecuteAsync("INSERT INTO holidays VALUES ($d, $n)", [new("d", date), new("n", name)], cancellationToken);
        }

        const string query = """
            SELECT CAST(strftime(d, '%Y%m%d') AS INTEGER) AS date_key, CAST(d AS DATE) AS date,
                   year(d) AS year, quarter(d) AS quarter, month(d) AS month, monthname(d) AS month_name,
                   day(d) AS day, isodow(d) AS day_of_week, dayname(d) AS day_name,
                   weekofyear(d) AS iso_week, isoyear(d) AS iso_year, isodow(d) >= 6 AS is_weekend,
                   h.name IS NOT NULL AS is_holiday, h.name AS holiday_name,
                   CAST(date_trunc('week', d) AS DATE) AS week_start, CAST(date_trunc('month', d) AS DATE) AS month_start
            FROM range(CAST($start AS DATE), CAST($end AS DATE) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(d)
            LEFT JOIN (SELECT date, string_agg(name, ', ') AS name FROM holidays GROUP BY date) AS h ON h.date = CAST(d AS DATE)
            ORDER BY d
            """;
        var output = context.Task.Outputs[0];
        var rows = await session.CopyToParquetAsync(query, [new("start", start), new("end", end)], context.OutputPath(output), cancellationToken);
        return new TaskOutcome { RowsWritten = new Dictionary<string, long> { [output] = rows } };
    }

    private static DateOnly? Date(TaskContext context, string option)
    {
        var text = context.Options.GetString(option);
        if (text is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new NonRetryableException($"{context.Options.LocationOf(option)}: {option} '{text}' is not a date; use YYYY-MM-DD.");
    }

    private static IEnumerable<(DateOnly Date, string Name)> Holidays(TaskContext context)
    {
        foreach (var (key, name) in context.Options.GetMap("holidays"))
        {
            yield return (ParseHoliday(key, context.Options.LocationOf("holidays").ToString()), name);
        }

        if (context.Options.GetString("holidays_file") is { } file)
        {
            var path = context.ResolvePath(file);
            if (!File.Exists(path))
            {
                throw new NonRetryableException($"{context.Options.LocationOf("holidays_file")}: holidays_file '{path}' does not exist.");
            }

            var number = 0;
            foreach (var line in File.ReadLines(path).Skip(1))
            {
                number++;
                var comma = line.IndexOf(',', StringComparison.Ordinal);
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                yield return (ParseHoliday(comma < 0 ? line : line[..comma], $"{path}:{number + 1}"), comma < 0 ? "holiday" : line[(comma + 1)..].Trim().Trim('"'));
            }
        }
    }

    private static DateOnly ParseHoliday(string text, string where) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new NonRetryableException($"{where}: holiday date '{text}' is not YYYY-MM-DD.");
}
