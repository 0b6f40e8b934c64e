using System.Globalization;
using Sluice.Execution;

namespace Sluice.Connectors.Http.Tests.Infrastructure;

/// <summary>Runs a pipeline given as YAML text, and reads what it staged; the HTTP tests' pipeline is 'p' on 2024-03-01.</summary>
internal static class Runs
{
    /// <summary>Writes connections.yaml and pipeline.yaml, loads them as the CLI does, and runs one interval.</summary>
    public static async Task<RunResult> RunYamlAsync(this TestProject project, string pipelineYaml, string? connectionsYaml = null, string date = "2024-03-01", IRunObserver? observer = null, ConnectorCatalog? catalog = null)
    {
        if (connectionsYaml is not null)
        {
            project.Write("connections.yaml", connectionsYaml);
        }

        project.Write("pipeline.yaml", pipelineYaml);
        return await project.RunAsync(date, observer, catalog);
    }

    /// <summary>Rows of a staged dataset, in file order, each as 'a|b|c' text.</summary>
    public static List<string> Rows(this TestProject project, string dataset, string columns = "*", string pipeline = "p", string date = "2024-03-01") =>
        Warehouse.InMemory().Query($"SELECT {columns} FROM read_parquet('{project.Staged(pipeline, date, dataset)}')").Select(r => string.Join('|', r.Select(Text))).ToList();

    /// <summary>Column names and DuckDB types of a staged dataset, as 'name TYPE'.</summary>
    public static List<string> Schema(this TestProject project, string dataset, string pipeline = "p", string date = "2024-03-01") =>
        Warehouse.InMemory().Columns(Warehouse.Parquet(project.Staged(pipeline, date, dataset))).Select(c => $"{c.Name} {c.Type}").ToList();

    /// <summary>Every byte of the SQLite run records (database and write-ahead log) as text, to grep for leaks.</summary>
    public static string RunRecordsText(this TestProject project) =>
        string.Concat(Directory.EnumerateFiles(project.StateDirectory, "sluice.db*").Select(f => System.Text.Encoding.UTF8.GetString(ReadShared(f))));

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    // Unlike Warehouse.Snapshot: whole seconds, and lists spelled out, as the HTTP tests expect them.
    private static string Text(object? value) => value switch
    {
        null => "NULL",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list and not string => "[" + string.Join(",", list.Cast<object?>().Select(Text)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "NULL",
    };
}
