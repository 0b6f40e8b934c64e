using System.Diagnostics;
using Sluice.Connectors.Http.Client;
using Sluice.Connectors.Http.Paging;
using Sluice.Connectors.Http.Records;
using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.Http;

/// <summary>
/// <c>source: http</c>. Reads records from a JSON API, page by page (page number, offset, cursor,
/// next link or Link header), with retries, a rate limit and bounded page concurrency. Each page is
/// read as it arrives, its records flattened and staged as JSON lines on disk, then written as the
/// Parquet dataset by DuckDB, so memory is bounded whatever the page size.
/// </summary>
public sealed class HttpSource(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "http";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Reads records from an HTTP JSON API, following its pagination.";

    public IReadOnlyList<OptionSpec> Options => HttpSourceOptions.Specs;

    public bool SupportsIncremental => true;

    public IEnumerable<string> Validate(TaskDefinition task) => HttpSourceOptions.Validate(task);

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var where = $"task '{context.Task.Id}'";
        var options = context.Options;
        var client = HttpClientSettings.For(context);
        var paging = PagingOptions.Read(options);
        var first = client.FirstUrl(options.GetRequiredString("url"), [.. options.GetMap("query"), .. BoundQuery(context.Incremental, where)], where);
        var method = options.GetChoice("method") == "post" ? HttpMethod.Post : HttpMethod.Get;
        var body = method == HttpMethod.Post ? options.GetString("body") ?? string.Empty : null;
        var template = new HttpRequestSpec(method, first, body, options.GetString("content_type")) { Headers = options.GetMap("headers") };
        var parser = new PageParser(options.GetRequiredString("records_path"), paging, where, (settings ?? DuckDbSettings.Default).TempDirectory);
        var logEvery = Math.Max(1, options.GetInt("log_every"));
        var output = context.Task.Outputs[0];

        using var fetcher = new HttpFetcher(client, where, context.Log, first, paging.Concurrency, "application/json");
        await using var dataset = new JsonLinesDataset(settings);
        var clock = Stopwatch.StartNew();
        var pages = 0;
        context.Log($"{method} {SafeUrl.Describe(first)} (pagination: {options.GetChoice("pagination")}, concurrency: {paging.Concurrency})");

        Task<PageResult> FetchAsync(Uri url, CancellationToken token) =>
            fetcher.SendAsync(template with { Url = url }, parser.ParseAsync, token);

        async ValueTask ConsumeAsync(PageResult page)
        {
            await using (page)
            {
                await dataset.AppendAsync(page, cancellationToken);
            }

            pages++;
            if (pages % logEvery == 0)
            {
                context.Log($"page {pages}: {dataset.Rows} record(s) so far, {fetcher.Requests} request(s), {clock.Elapsed.TotalSeconds:0.#}s");
            }
        }

        var stop = await new Paginator(paging, where).RunAsync(first, FetchAsync, ConsumeAsync, cancellationToken);
        context.Log($"fetched {pages} page(s) and {dataset.Rows} record(s) in {fetcher.Requests} request(s) ({fetcher.Retries} retried) and {clock.Elapsed.TotalSeconds:0.##}s; stopped: {stop}");
        var declared = DeclaredColumns(context, output);
        DeclaredColumnsCheck.ThrowIfAbsent(declared, dataset.Fields, dataset.Rows, "record", where);
        var rows = await dataset.CompleteAsync(context.OutputPath(output), declared, where, cancellationToken);
        var cursor = context.Incremental is { } read && rows > 0 ? await StagedCursor.MaxAsync(context.OutputPath(output), read, where, settings, cancellationToken) : null;
        return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [output] = rows }, Cursor = cursor };
    }

    /// <summary>The API's own filter: the lower bound as a query parameter (<c>updated_since</c> unless named).</summary>
    private static IEnumerable<KeyValuePair<string, string>> BoundQuery(Incremental.IncrementalRead? read, string where)
    {
        if (read?.Upper is not null)
        {
            throw new NonRetryableException($"{where}: an HTTP source sends only a lower bound ('{read.QueryParameter}'), so it cannot replay a range that ends; replay with --cursor-from alone, or use --full-refresh.");
        }

        return read?.Lower is { } lower ? [new(read.QueryParameter, lower.Text)] : [];
    }

    /// <summary>The task's columns option, else the output dataset's declared columns, else none (inferred).</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> DeclaredColumns(TaskContext context, string output)
    {
        var explicitColumns = context.Options.GetMap("columns");
        return explicitColumns.Count > 0
            ? explicitColumns
            : context.Pipeline.FindDataset(output)?.Columns.Select(c => new KeyValuePair<string, string>(c.Name, c.Type)).ToList() ?? [];
    }
}
