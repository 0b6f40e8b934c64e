using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Sluice.Connectors.Http;
using Sluice.Connectors.Http.Client;
using Sluice.Connectors.Http.Paging;
using Sluice.Connectors.Http.Records;
using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.Html;

/// <summary>
/// <c>source: html</c>. Scrapes rows from web pages with AngleSharp: a table's rows, or repeated
/// elements with one CSS selector per field, following a next-page link up to max_pages with a
/// polite delay between requests. Requests go through the same fetcher as the http source, so
/// retries, rate limits, authentication errors and masking behave the same.
/// </summary>
public sealed class HtmlSource(DuckDbSettings? settings = null) : IConnector
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public string Name => "html";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Scrapes rows from web pages: table rows or repeated elements, following next-page links.";

    public IReadOnlyList<OptionSpec> Options => HtmlSourceOptions.Specs;

    public IEnumerable<string> Validate(TaskDefinition task) => HtmlSourceOptions.Validate(task);

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var where = $"task '{context.Task.Id}'";
        var options = context.Options;
        var client = HttpClientSettings.For(context);
        client = client with { UserAgent = options.GetString("user_agent") ?? client.UserAgent };
        var url = client.FirstUrl(options.GetRequiredString("url"), options.GetMap("query"), where);
        var fields = options.GetMap("fields").Select(f => FieldSelector.Parse(f.Key, f.Value)).ToList();
        var extractor = new HtmlExtractor(options.GetString("table_selector"), options.GetString("row_selector"), fields, where, context.Log);
        var next = options.GetString("next_selector");
        var maxPages = options.GetInt("max_pages");
        var delay = Durations.Read(options, "delay", TimeSpan.FromSeconds(1));
        var urlColumn = options.GetString("url_column");
        var output = context.Task.Outputs[0];
        var request = new HttpRequestSpec(HttpMethod.Get, url) { Headers = options.GetMap("headers") };

        using var fetcher = new HttpFetcher(client, where, context.Log, url, 1, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5");
        await using var dataset = new JsonLinesDataset(settings, "row");
        var columns = new List<string>(fields.Select(f => f.Name));
        var seen = new FieldCatalog();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var parser = new HtmlParser();
        var pages = 0;
        for (Uri? page = url; page is not null && pages < maxPages; pages++)
        {
            if (pages > 0)
            {
                await Task.Delay(delay, cancellationToken);
            }

            visited.Add(page.AbsoluteUri);
            var response = await fetcher.SendAsync(request with { Url = page }, cancellationToken);
            using var document = await parser.ParseDocumentAsync(Decode(response), cancellationToken);
            var rows = extractor.Rows(document, response.Url);
            await WriteAsync(dataset, rows, response.Url, urlColumn is null ? null : new(urlColumn, SafeUrl.Describe(response.Url)), columns, seen, cancellationToken);
            context.Log($"page {pages + 1}: {rows.Count} row(s) from {SafeUrl.Describe(response.Url)}");
            page = NextPage(document, next, response.Url, visited);
        }

        context.Log($"scraped {pages} page(s), {dataset.Rows} row(s) in {fetcher.Requests} request(s) ({fetcher.Retries} retried)");
        extractor.ThrowIfAFieldNeverMatched(pages);
        var declared = HttpSource.DeclaredColumns(context, output);
        DeclaredColumnsCheck.ThrowIfAbsent(declared, seen, dataset.Rows, "row", where);
        var types = declared.Count > 0 ? declared : columns.Select(c => new KeyValuePair<string, string>(c, "VARCHAR")).ToList();
        var written = await dataset.CompleteAsync(context.OutputPath(output), types, where, cancellationToken);
        return new TaskOutcome { RowsRead = written, RowsWritten = new Dictionary<string, long> { [output] = written } };
    }

    /// <summary>Text decoded with the Content-Type charset when the server sent one; else AngleSharp reads the page's own meta charset.</summary>
    private static string Decode(HttpPage page)
    {
        var encoding = Encoding.UTF8;
        if (page.Charset is { } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // An unknown charset name: UTF-8 is what nearly every page is.
            }
        }

        return encoding.GetString(page.Body);
    }

    private static Uri? NextPage(AngleSharp.Dom.IDocument document, string? selector, Uri current, HashSet<string> visited)
    {
        var href = selector is null ? null : document.QuerySelector(selector)?.GetAttribute("href");
        if (string.IsNullOrWhiteSpace(href) || !Uri.TryCreate(current, href.Trim(), out var next) || next.Scheme is not ("http" or "https"))
        {
            return null;
        }

        // A "next" link back to a page already read (page 3's next pointing to page 1) ends the walk.
        return visited.Contains(next.AbsoluteUri) ? null : next;
    }

    private static async Task WriteAsync(JsonLinesDataset dataset, List<KeyValuePair<string, string?>[]> rows, Uri page, KeyValuePair<string, string?>? pageUrl, List<string> columns, FieldCatalog seen, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, JsonOptions);
        foreach (var row in rows)
        {
            writer.WriteStartObject();
            foreach (var (name, value) in pageUrl is { } extra ? row.Append(extra) : row)
            {
                if (!columns.Contains(name))
                {
                    columns.Add(name);
                }

                writer.WriteString(name, value);
                seen.Saw(name, value);
            }

            seen.EndRecord();

            writer.WriteEndObject();
            writer.Flush();
            buffer.Write("\n"u8);
            writer.Reset(buffer);
        }

        await dataset.AppendAsync(buffer.WrittenMemory, rows.Count, page, cancellationToken);
    }
}
