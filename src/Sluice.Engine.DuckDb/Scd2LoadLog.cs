using System.Globalization;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// Which effective dates an scd2 dimension has loaded, kept in <c>sluice_scd2_loads</c> next to it.
/// A late snapshot can only be merged exactly when it is known which later dates were loaded: a day
/// that changed nothing leaves no trace in the history itself. The table also keeps the highest
/// surrogate key handed out, so a key removed by a merge is never handed out again. SQL both DuckDB
/// and PostgreSQL run; the sinks bind <c>t</c> (table name) and <c>d</c> (effective date).
/// </summary>
internal sealed class Scd2LoadLog(string schema, string quotedTarget, string surrogateKey, Func<string, string> parameter)
{
    public const string TableName = "sluice_scd2_loads";

    private readonly string _log = SqlText.Qualified(schema, TableName);

    private string T => parameter("t");

    private string D => $"CAST({parameter("d")} AS DATE)";

    public string Create() =>
        $"CREATE TABLE IF NOT EXISTS {_log} (table_name VARCHAR NOT NULL, effective_date DATE NOT NULL, inferred BOOLEAN NOT NULL, highest_sk BIGINT)";

    /// <summary>A new table starts a new history: dates loaded into a dropped one no longer count.</summary>
    public string Forget() => $"DELETE FROM {_log} WHERE table_name = {T}";

    public string Count() => $"SELECT count(*) FROM {_log} WHERE table_name = {T}";

    /// <summary>
    /// A dimension loaded before the log existed: its change dates are surely loaded dates, but days
    /// that changed nothing are unknown, so they are marked inferred and nothing may be merged before them.
    /// </summary>
    public string Infer()
    {
        var (sk, from, to) = (SqlText.Identifier(surrogateKey), SqlText.Identifier("valid_from"), SqlText.Identifier("valid_to"));
        return $"""
            INSERT INTO {_log} (table_name, effective_date, inferred, highest_sk)
            SELECT {T}, d, true, NULL FROM (
              SELECT {from} AS d FROM {quotedTarget} WHERE {sk} <> -1
              UNION SELECT {to} FROM {quotedTarget} WHERE {sk} <> -1 AND {to} IS NOT NULL) AS dates
            """;
    }

    /// <summary>One row: first and latest loaded date, latest inferred date, next loaded date after D, highest key handed out.</summary>
    public string State() =>
        $"""
        SELECT min(effective_date), max(effective_date), max(CASE WHEN inferred THEN effective_date END),
               min(CASE WHEN effective_date > {D} THEN effective_date END), max(highest_sk)
        FROM {_log} WHERE table_name = {T}
        """;

    public string Unrecord() => $"DELETE FROM {_log} WHERE table_name = {T} AND effective_date = {D}";

    public string Record() =>
        $"INSERT INTO {_log} (table_name, effective_date, inferred, highest_sk) VALUES ({T}, {D}, false, {parameter("highest")})";

    public string HighestKey() => $"SELECT max({SqlText.Identifier(surrogateKey)}) FROM {quotedTarget}";

    /// <summary>What the state says about loading D; a message when it cannot be merged exactly.</summary>
    public static string? Refusal(Scd2LoadState state, DateOnly effective) =>
        state.LatestInferred is { } inferred && effective < inferred
            ? $"it is earlier than {Day(inferred)}, and the dimension was loaded before Sluice kept a record of loaded dates (table {TableName}), so which later days it saw is unknown"
            : null;

    /// <summary>Without close_missing, why a change at D to versions that later loads saw open has no exact end.</summary>
    public static string Undecidable(IEnumerable<string> keys, DateOnly next) =>
        $"key(s) {string.Join("; ", keys)} change at that date, but their version stayed open through the load of {Day(next)}, " +
        "and without close_missing that input need not have listed them, so whether the change still held then is unknown " +
        "(set close_missing: true when every input is a full snapshot)";

    /// <summary>The shared end of a refusal: what was loaded, and the command that rebuilds history in order.</summary>
    public static string RebuildAdvice(string pipeline, string dimension, Scd2LoadState state, DateOnly effective) =>
        $"The latest interval loaded into {dimension} is {Day(state.Latest ?? effective)}. Nothing was loaded. " +
        $"To rebuild the history from the stored snapshots in order, drop table {dimension} and run: " +
        $"sluice backfill {pipeline} --from {Day(state.First is { } first && first < effective ? first : effective)} --to {Day(state.Latest is { } latest && latest > effective ? latest : effective)}";

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>What <see cref="Scd2LoadLog.State"/> returned.</summary>
internal sealed record Scd2LoadState(DateOnly? First, DateOnly? Latest, DateOnly? LatestInferred, DateOnly? Next, long? HighestKey)
{
    public static Scd2LoadState From(object?[] row) =>
        new(AsDate(row[0]), AsDate(row[1]), AsDate(row[2]), AsDate(row[3]), row[4] is null or DBNull ? null : Convert.ToInt64(row[4], CultureInfo.InvariantCulture));

    private static DateOnly? AsDate(object? value) => value switch
    {
        DateOnly date => date,
        DateTime time => DateOnly.FromDateTime(time),
        null or DBNull => null,
        _ => DateOnly.FromDateTime(Convert.ToDateTime(value, CultureInfo.InvariantCulture)),
    };
}
