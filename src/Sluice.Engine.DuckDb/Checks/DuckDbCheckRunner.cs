using System.Globalization;
using Sluice.Checks;
using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Engine.DuckDb.Checks;

/// <summary>
/// Runs a dataset's checks and metrics over its staged Parquet file with DuckDB: the standard checks
/// and the metrics in one aggregate scan (<see cref="AggregateScan"/>), then one query per
/// <c>unique</c> (<see cref="UniqueKeys"/>), <c>relationships</c>, <c>reconcile</c> and <c>sql</c> check. The dataset, and each other dataset a
/// check names, is a view named after it.
/// </summary>
public sealed class DuckDbCheckRunner(DuckDbSettings? settings = null) : ICheckRunner
{
    private const int Examples = 3;

    public async Task<DatasetCheckReport> RunAsync(DatasetCheckRequest request, CancellationToken cancellationToken)
    {
        var dataset = request.Dataset;
        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        await session.BindDatasetAsync(dataset.Name, request.StagedPath, cancellationToken);
        foreach (var (name, path) in request.OtherDatasets)
        {
            await session.BindDatasetAsync(name, path, cancellationToken);
        }

        var relation = SqlText.Identifier(dataset.Name);
        // Reads the Parquet footer only, not the rows.
        var columns = await session.DescribeAsync($"SELECT * FROM {relation}", [], cancellationToken);
        var results = new List<CheckResult>();
        var runnable = new List<CheckDefinition>();
        foreach (var check in dataset.Checks)
        {
            if (MissingColumn(check, columns) is { } missing)
            {
                results.Add(new(check, CheckOutcome.Error, null, missing));
            }
            else
            {
                runnable.Add(check);
            }
        }

        var scan = new AggregateScan(relation, columns);
        foreach (var check in runnable.Where(c => c.IsStandard && c.Type != "unique"))
        {
            scan.Add(check, request);
        }

        foreach (var metric in dataset.Metrics)
        {
            scan.AddMetric(metric);
        }

        var sums = runnable.Where(c => c is { Type: "reconcile", SumColumn: not null }).Select(c => c.SumColumn!).Distinct(StringComparer.OrdinalIgnoreCase)
            .ToDictionary(c => c, scan.AddSum, StringComparer.OrdinalIgnoreCase);
        object?[] row;
        try
        {
            row = (await session.QueryAsync(scan.Sql, scan.Parameters, cancellationToken)).Single();
        }
        catch (Exception e) when (e is not OperationCanceledException && DuckDbErrors.IsPermanent(e))
        {
            throw new NonRetryableException($"the checks and metrics of dataset '{dataset.Name}' ({dataset.Location}) could not run: {DuckDbErrors.FirstLine(e.Message)}. Fix the metric expression or check it names.");
        }

        var scans = 1;
        var rows = AggregateScan.Long(row[0]);
        results.AddRange(scan.Verdicts(row));
        foreach (var check in runnable.Where(c => !c.IsStandard || c.Type == "unique"))
        {
            var (result, queries) = check.Type switch
            {
                "unique" => (await UniqueKeys.RunAsync(session, relation, check, cancellationToken), 1),
                "relationships" => await RelationshipsAsync(session, relation, check, cancellationToken),
                "reconcile" => await ReconcileAsync(session, check, rows, check.SumColumn is { } s ? row[sums[s]] : null, cancellationToken),
                _ => await SqlAsync(session, check, cancellationToken),
            };
            results.Add(result);
            scans += queries;
        }

        // Keep the declared order, so events and `sluice checks` list them as written.
        var ordered = dataset.Checks.Select(c => results.First(r => ReferenceEquals(r.Check, c))).ToList();
        return new DatasetCheckReport(rows, ordered, scan.Metrics(row).ToList(), scans);
    }

    public async Task<string?> ProbeAsync(DatasetDefinition dataset, string query, CancellationToken cancellationToken)
    {
        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        var columns = string.Join(", ", dataset.Columns.Select(c => $"{SqlText.Identifier(c.Name)} {c.Type}"));
        await session.ExecuteAsync($"CREATE TEMP TABLE {SqlText.Identifier(dataset.Name)} ({columns})", [], cancellationToken);
        try
        {
            await session.DescribeAsync($"({query}\n)", [], cancellationToken);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException && DuckDbErrors.IsPermanent(e))
        {
            return DuckDbErrors.FirstLine(e.Message);
        }
    }

    private static string? MissingColumn(CheckDefinition check, IReadOnlyList<(string Name, string Type)> columns)
    {
        var named = check.Columns.Concat(check.SumColumn is { } sum ? [sum] : []);
        foreach (var column in named)
        {
            if (!columns.Any(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase)))
            {
                return Suggestions.UnknownName("column", column, columns.Select(c => c.Name), "in the staged dataset");
            }
        }

        return null;
    }

    private static async Task<(CheckResult, int)> RelationshipsAsync(DuckDbSession session, string relation, CheckDefinition check, CancellationToken cancellationToken)
    {
        var column = SqlText.Identifier(check.Columns[0]);
        var key = SqlText.Identifier(check.OtherColumn ?? check.Columns[0]);
        var other = SqlText.Identifier(check.OtherDataset!);
        try
        {
            var row = (await session.QueryAsync(
                $"SELECT count(*), min(CAST(d.{column} AS VARCHAR)) FROM {relation} AS d ANTI JOIN {other} AS o ON d.{column} = o.{key} WHERE d.{column} IS NOT NULL",
                [], cancellationToken)).Single();
            var orphans = AggregateScan.Long(row[0]);
            var target = $"{check.OtherDataset}.{check.OtherColumn ?? check.Columns[0]}";
            return (orphans == 0
                ? new(check, CheckOutcome.Pass, "0 orphan keys", $"every {check.Columns[0]} exists in {target}")
                : new(check, CheckOutcome.Fail, $"{orphans} orphan row(s), e.g. '{row[1]}'", $"{orphans} row(s) have a {check.Columns[0]} missing from {target}, e.g. '{row[1]}'"), 1);
        }
        catch (Exception e) when (e is not OperationCanceledException && DuckDbErrors.IsPermanent(e))
        {
            return (new(check, CheckOutcome.Error, null, DuckDbErrors.FirstLine(e.Message)), 1);
        }
    }

    private static async Task<(CheckResult, int)> ReconcileAsync(DuckDbSession session, CheckDefinition check, long rows, object? sum, CancellationToken cancellationToken)
    {
        var other = SqlText.Identifier(check.OtherDataset!);
        var sumItem = check.SumColumn is { } column ? $", sum({SqlText.Identifier(column)})" : string.Empty;
        try
        {
            var row = (await session.QueryAsync($"SELECT count(*){sumItem} FROM {other}", [], cancellationToken)).Single();
            var otherRows = AggregateScan.Long(row[0]);
            var problems = new List<string>();
            var observed = $"{rows} rows vs {otherRows} in {check.OtherDataset}";
            if (!Within(rows, otherRows, check.Tolerance))
            {
                problems.Add($"{rows} rows here but {otherRows} in '{check.OtherDataset}'");
            }

            if (check.SumColumn is { } s)
            {
                var mine = sum is null ? 0 : Convert.ToDouble(sum, CultureInfo.InvariantCulture);
                var theirs = row[1] is null ? 0 : Convert.ToDouble(row[1], CultureInfo.InvariantCulture);
                observed += string.Create(CultureInfo.InvariantCulture, $"; sum({s}) {mine} vs {theirs}");
                if (!Within(mine, theirs, check.Tolerance))
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"sum({s}) is {mine} here but {theirs} in '{check.OtherDataset}'"));
                }
            }

            var tolerance = check.Tolerance == 0 ? "exactly" : string.Create(CultureInfo.InvariantCulture, $"within {check.Tolerance:0.####}");
            return (problems.Count == 0
                ? new(check, CheckOutcome.Pass, observed, $"agrees with '{check.OtherDataset}' {tolerance}")
                : new(check, CheckOutcome.Fail, observed, $"{string.Join("; ", problems)} (must agree {tolerance})"), 1);
        }
        catch (Exception e) when (e is not OperationCanceledException && DuckDbErrors.IsPermanent(e))
        {
            return (new(check, CheckOutcome.Error, null, DuckDbErrors.FirstLine(e.Message)), 1);
        }
    }

    private static bool Within(double mine, double theirs, double tolerance) =>
        Math.Abs(mine - theirs) <= tolerance * Math.Max(Math.Abs(mine), Math.Abs(theirs));

    private static async Task<(CheckResult, int)> SqlAsync(DuckDbSession session, CheckDefinition check, CancellationToken cancellationToken)
    {
        try
        {
            var found = await session.QueryAsync($"SELECT * FROM ({check.Sql}\n) LIMIT {Examples + 1}", [], cancellationToken);
            if (found.Count == 0)
            {
                return (new(check, CheckOutcome.Pass, "0 rows", "the query returned no rows"), 1);
            }

            var count = await session.ScalarAsync<long>($"SELECT count(*) FROM ({check.Sql}\n)", [], cancellationToken);
            var examples = string.Join("; ", found.Take(Examples).Select(r => "(" + string.Join(", ", r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "NULL")) + ")"));
            return (new(check, CheckOutcome.Fail, $"{count} row(s)", $"the query returned {count} row(s), e.g. {examples}"), 2);
        }
        catch (Exception e) when (e is not OperationCanceledException && DuckDbErrors.IsPermanent(e))
        {
            return (new(check, CheckOutcome.Error, null, $"its SQL does not run: {DuckDbErrors.FirstLine(e.Message)}"), 1);
        }
    }
}
