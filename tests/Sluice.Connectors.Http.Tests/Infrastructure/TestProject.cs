using System.Globalization;
using DuckDB.NET.Data;
using Sluice.Cli;
using Sluice.Execution;
using Sluice.Yaml;

namespace Sluice.Connectors.Http.Tests.Infrastructure;

/// <summary>
/// A throwaway project folder (pipeline, connections.yaml, state) run through the real runner,
/// SQLite store and the CLI's catalog, as `sluice run` would; deleted afterwards.
/// </summary>
internal sealed class TestProject : IDisposable
{
    public TestProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "sluice-http-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string StateDirectory => Path.Combine(Root, ".sluice");

    public RunLog Log { get; } = new();

    /// <summary>DuckDB settings for the http and html sources (their temporary folder); null runs the CLI's full catalog.</summary>
    public Sluice.Engine.DuckDb.DuckDbSettings? Engine { get; init; }

    public string Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Writes connections.yaml and pipeline.yaml, loads them as the CLI does, and runs one interval.</summary>
    public async Task<RunResult> RunAsync(string pipelineYaml, string? connectionsYaml = null, string date = "2024-03-01")
    {
        if (connectionsYaml is not null)
        {
            Write("connections.yaml", connectionsYaml);
        }

        var pipeline = PipelineYamlLoader.LoadFile(Write("pipeline.yaml", pipelineYaml));
        await using var store = await SluiceHost.OpenStoreAsync(StateDirectory, CancellationToken.None);
        var catalog = Engine is null
            ? SluiceHost.Catalog()
            : new Connectors.ConnectorCatalog().Add(new HttpSource(Engine)).Add(new Html.HtmlSource(Engine)).Add(HttpConnection.Type);
        var runner = SluiceHost.Runner(catalog, store, StateDirectory);
        return await runner.RunAsync(pipeline, new RunRequest { LogicalDate = DateOnly.Parse(date, CultureInfo.InvariantCulture) }, Log);
    }

    /// <summary>Rows of a staged dataset, in file order, each as 'a|b|c' text.</summary>
    public List<string> Rows(string dataset, string columns = "*", string pipeline = "p", string date = "2024-03-01") =>
        Query($"SELECT {columns} FROM read_parquet('{DatasetPath(dataset, pipeline, date)}')").Select(r => string.Join('|', r.Select(Text))).ToList();

    /// <summary>Column names and DuckDB types of a staged dataset, as 'name TYPE'.</summary>
    public List<string> Schema(string dataset, string pipeline = "p", string date = "2024-03-01") =>
        Query($"DESCRIBE SELECT * FROM read_parquet('{DatasetPath(dataset, pipeline, date)}')").Select(r => $"{r[0]} {r[1]}").ToList();

    public string DatasetPath(string dataset, string pipeline = "p", string date = "2024-03-01") =>
        Path.Combine(StateDirectory, "artifacts", pipeline, date, dataset + ".parquet");

    /// <summary>Every byte of the SQLite run records (database and write-ahead log) as text, to grep for leaks.</summary>
    public string RunRecordsText() =>
        string.Concat(Directory.EnumerateFiles(StateDirectory, "sluice.db*").Select(f => System.Text.Encoding.UTF8.GetString(ReadShared(f))));

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        }

        return rows;
    }

    private static string Text(object? value) => value switch
    {
        null => "NULL",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list and not string => "[" + string.Join(",", list.Cast<object?>().Select(Text)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "NULL",
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing process; the OS temp cleaner takes it later.
        }
    }
}
