using System.Text.Json;
using Sluice.Engine.DuckDb;
using Sluice.Templating;

namespace Sluice.Connectors.Files;

/// <summary>
/// A JSON lines copy of JSON files in which the numbers of the planned fields are strings holding
/// their literal text, so DuckDB reads their digits instead of a DOUBLE. One record at a time, so
/// memory stays bounded by the largest record. The copies are deleted on dispose.
/// </summary>
internal sealed class JsonExactCopy : IDisposable
{
    private readonly List<string> _files = [];

    public IReadOnlyList<string> Files => _files;

    /// <summary>Original path of each copy, for a filename column that must name the user's file.</summary>
    public Dictionary<string, string> Originals { get; } = new(StringComparer.Ordinal);

    public static async Task<JsonExactCopy> CreateAsync(IReadOnlyList<string> files, bool jsonLines, IReadOnlyCollection<string> textFields, string tempDirectory, CancellationToken cancellationToken)
    {
        var copy = new JsonExactCopy();
        try
        {
            Directory.CreateDirectory(tempDirectory);
            foreach (var file in files)
            {
                var target = Path.Combine(tempDirectory, $"json-exact-{Guid.NewGuid():N}.jsonl");
                copy._files.Add(target);
                copy.Originals[target] = file;
                await using var input = File.OpenRead(file);
                await using var output = File.Create(target);
                await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
                await foreach (var record in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(input, topLevelValues: jsonLines, cancellationToken: cancellationToken))
                {
                    Write(writer, record, textFields);
                    await writer.FlushAsync(cancellationToken);
                    writer.Reset();
                    output.WriteByte((byte)'\n');
                }
            }
        }
        catch
        {
            copy.Dispose();
            throw;
        }

        return copy;
    }

    /// <summary>
    /// The read of the copies, with each planned field cast from its text and the filename column
    /// naming the user's file rather than the copy.
    /// </summary>
    public string Wrap(string read, IReadOnlyDictionary<string, string?> plan, string? filenameColumn, List<SqlParameterValue> parameters)
    {
        var replacements = plan.Where(p => p.Value is not null)
            .Select(p => $"CAST({SqlText.Identifier(p.Key)} AS {p.Value}) AS {SqlText.Identifier(p.Key)}")
            .ToList();
        if (filenameColumn is not null)
        {
            replacements.Add(CopiedFiles.FilenameCase(Originals, filenameColumn, parameters));
        }

        return replacements.Count == 0 ? read : $"SELECT * REPLACE ({string.Join(", ", replacements)}) FROM ({read})";
    }

    private static void Write(Utf8JsonWriter writer, JsonElement record, IReadOnlyCollection<string> textFields)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            record.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        foreach (var property in record.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Number && textFields.Contains(property.Name))
            {
                writer.WriteString(property.Name, property.Value.GetRawText());
            }
            else
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    public void Dispose()
    {
        foreach (var file in _files)
        {
            File.Delete(file);
        }
    }
}
