using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sluice.Connectors.Http.Records;

/// <summary>
/// Writes records as flat JSON lines: nested objects become columns joined by '_'
/// (<c>customer.address.city</c> becomes <c>customer_address_city</c>); arrays stay JSON arrays, which
/// DuckDB reads as LIST (or JSON when mixed); a scalar record becomes a column named <c>value</c>.
/// Every field written is noted in the <see cref="FieldCatalog"/>, for the contract check.
/// </summary>
internal sealed class RecordFlattener(FieldCatalog fields)
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>Writes one record as one line to <paramref name="output"/>, the stream under <paramref name="writer"/>.</summary>
    public void WriteRecord(JsonElement record, Utf8JsonWriter writer, Stream output)
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
            fields.Saw("value", record);
        }

        writer.WriteEndObject();
        writer.Flush();
        output.Write("\n"u8);
        writer.Reset(output);
        fields.EndRecord();
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
                fields.Saw(name, property.Value);
            }
        }
    }
}
