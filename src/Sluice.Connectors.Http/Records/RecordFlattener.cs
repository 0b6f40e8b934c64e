using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sluice.Connectors.Http.Records;

/// <summary>
/// Writes records as flat JSON lines: nested objects become columns joined by '_'
/// (<c>customer.address.city</c> becomes <c>customer_address_city</c>); arrays stay JSON arrays, which
/// DuckDB reads as LIST (or JSON when mixed); a scalar record becomes a column named <c>value</c>.
/// </summary>
internal sealed class RecordFlattener
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>Appends one line per record to <paramref name="output"/>; returns the number of records.</summary>
    public int Write(JsonElement records, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        if (records.ValueKind != JsonValueKind.Array)
        {
            WriteRecord(records, writer, output);
            return 1;
        }

        var count = 0;
        foreach (var record in records.EnumerateArray())
        {
            WriteRecord(record, writer, output);
            count++;
        }

        return count;
    }

    private void WriteRecord(JsonElement record, Utf8JsonWriter writer, IBufferWriter<byte> output)
    {
        _seen.Clear();
        writer.WriteStartObject();
        if (record.ValueKind == JsonValueKind.Object)
        {
            WriteObject(record, string.Empty, writer);
        }
        else
        {
            writer.WritePropertyName("value");
            record.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.Flush();
        output.Write("\n"u8);
        writer.Reset(output);
    }

    private void WriteObject(JsonElement value, string prefix, Utf8JsonWriter writer)
    {
        foreach (var property in value.EnumerateObject())
        {
            var name = prefix.Length == 0 ? property.Name : prefix + "_" + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                WriteObject(property.Value, name, writer);
            }
            else if (_seen.Add(name))
            {
                // The first of two keys that flatten to one name wins, e.g. "a_b" over "a": {"b"}.
                writer.WritePropertyName(name);
                property.Value.WriteTo(writer);
            }
        }
    }
}
