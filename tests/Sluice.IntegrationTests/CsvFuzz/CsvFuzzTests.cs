using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Sluice.IntegrationTests.CsvFuzz;

/// <summary>
/// Hostile CSV files, generated from a reproducible seed and from the committed corpus, each read by
/// the files source and by <see cref="ReferenceCsv"/>: a file must load exactly the rows the
/// reference reads, or fail naming a line (the reference's malformed line when it finds one); never
/// load other data. SLUICE_CSV_FUZZ_COUNT and SLUICE_CSV_FUZZ_SEED run more files (bench/csv-fuzz.sh).
/// </summary>
public sealed partial class CsvFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestProject _project = new();

    [Fact]
    public async Task Every_hostile_csv_loads_exactly_what_a_strict_reader_reads_or_fails_naming_the_line()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("SLUICE_CSV_FUZZ_COUNT"), CultureInfo.InvariantCulture, out var c) ? c : 60;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SLUICE_CSV_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 20261206;
        var corpus = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "CsvFuzz", "corpus"), "*.csv").Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Data: File.ReadAllBytes(f)));
        var generated = Enumerable.Range(seed, count).Select(HostileCsv.Generate);
        _project.Write("pipeline.yaml", """
            name: fuzz
            tasks:
              extract: { source: files, output: raw, with: { path: in.csv, columns: { a: VARCHAR, b: VARCHAR, c: VARCHAR } } }
            """);

        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var wrong = new List<string>();
        foreach (var (name, data) in corpus.Concat(generated))
        {
            var (outcome, problem) = await CheckAsync(data);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (problem is not null)
            {
                wrong.Add($"{name}: {problem}");
            }
        }

        var summary = $"csv fuzz (seed {seed}, {count} generated + corpus): {outcomes.Values.Sum()} files tried; " + string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Value} {o.Key}"));
        output.WriteLine(summary);
        Console.WriteLine(summary);
        foreach (var line in wrong)
        {
            output.WriteLine(line);
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        Assert.True(outcomes.GetValueOrDefault("loaded exactly") > 0 && outcomes.GetValueOrDefault("failed at the malformed line") > 0, summary);
    }

    private async Task<(string Outcome, string? Problem)> CheckAsync(byte[] data)
    {
        await File.WriteAllBytesAsync(_project.PathOf("in.csv"), data);
        var expected = ReferenceCsv.Read(data);
        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");
        if (result.Succeeded)
        {
            if (expected.BadLine is { } bad)
            {
                return ("loaded a malformed file", $"loaded, but line {bad} is malformed ({expected.Why})");
            }

            var actual = Warehouse.InMemory().Query(Warehouse.Parquet(_project.Staged("fuzz", "2024-03-01", "raw")));
            var want = expected.Records.Skip(1).Select(r => r.Fields).ToList();
            if (actual.Count != want.Count)
            {
                return ("loaded other data", $"loaded {actual.Count} rows, the reference reads {want.Count}");
            }

            for (var i = 0; i < want.Count; i++)
            {
                if (!want[i].SequenceEqual(actual[i].Select(v => (string?)v)))
                {
                    return ("loaded other data", $"row {i + 1} (line {expected.Records[i + 1].Line}) is [{Show(actual[i].Select(v => (string?)v))}], the reference reads [{Show(want[i])}]");
                }
            }

            return ("loaded exactly", null);
        }

        var error = result.Tasks.Single().Error ?? string.Empty;
        var named = LineNamed().Matches(error).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        if (named.Count == 0)
        {
            return ("failed without a line", $"failed without naming a line: {error}");
        }

        if (expected.BadLine is null)
        {
            return ("failed naming a line of a file the reference reads", null);
        }

        return named.Contains(expected.BadLine.Value)
            ? ("failed at the malformed line", null)
            : ("failed at another line", $"failed naming line(s) {string.Join(", ", named)}, the reference finds line {expected.BadLine} malformed ({expected.Why}): {error}");
    }

    private static string Show(IEnumerable<string?> fields) =>
        string.Join(", ", fields.Select(f => f is null ? "NULL" : f.Length > 40 ? $"'{f[..20]}...' ({f.Length} chars)" : $"'{f}'"));

    [GeneratedRegex(@"in\.csv:(\d+):")]
    private static partial Regex LineNamed();

    public void Dispose() => _project.Dispose();
}
