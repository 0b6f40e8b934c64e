using System.Text;

namespace Sluice.IntegrationTests.CsvFuzz;

/// <summary>What a strict reader makes of a file: its records with their first line, or the first line that is malformed.</summary>
internal sealed record ReferenceResult(IReadOnlyList<(long Line, string?[] Fields)> Records, long? BadLine, string? Why);

/// <summary>
/// A small strict RFC 4180 reader, written for the tests and independent of the connector: comma,
/// double quote, LF or CRLF line ends, UTF-8 with an optional BOM. Its rules, which are Sluice's
/// documented ones: blank lines are skipped; an empty field is NULL; a quote inside an unquoted
/// field is an ordinary character; a NUL byte, a lone CR outside quotes, invalid UTF-8, text after a
/// closing quote, a quote that never closes and a record whose field count differs from the
/// header's make the file malformed at that record's first line.
/// </summary>
internal static class ReferenceCsv
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    public static ReferenceResult Read(byte[] data)
    {
        var records = new List<(long, string?[])>();
        var i = data.Length >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF ? 3 : 0;
        var line = 1L;
        int? width = null;
        while (i < data.Length)
        {
            var start = line;
            if (data[i] == '\n' || data[i] == '\r' && i + 1 < data.Length && data[i + 1] == '\n')
            {
                i += data[i] == '\r' ? 2 : 1; // blank line
                line++;
                continue;
            }

            var fields = new List<string?>();
            while (true)
            {
                var bytes = new List<byte>();
                if (i < data.Length && data[i] == '"')
                {
                    i++;
                    while (true)
                    {
                        if (i >= data.Length)
                        {
                            return new ReferenceResult(records, start, "unclosed quote");
                        }

                        if (data[i] == '"')
                        {
                            if (i + 1 < data.Length && data[i + 1] == '"')
                            {
                                bytes.Add((byte)'"');
                                i += 2;
                                continue;
                            }

                            i++;
                            break;
                        }

                        if (data[i] == '\n')
                        {
                            line++;
                        }

                        bytes.Add(data[i++]);
                    }

                    if (i < data.Length && data[i] is not ((byte)',' or (byte)'\n' or (byte)'\r'))
                    {
                        return new ReferenceResult(records, start, "text after closing quote");
                    }
                }
                else
                {
                    while (i < data.Length && data[i] is not ((byte)',' or (byte)'\n' or (byte)'\r'))
                    {
                        bytes.Add(data[i++]);
                    }
                }

                if (bytes.Contains(0))
                {
                    return new ReferenceResult(records, start, "NUL byte");
                }

                string text;
                try
                {
                    text = Strict.GetString(bytes.ToArray());
                }
                catch (DecoderFallbackException)
                {
                    return new ReferenceResult(records, start, "invalid UTF-8");
                }

                fields.Add(text.Length == 0 ? null : text);
                if (i < data.Length && data[i] == ',')
                {
                    i++;
                    continue;
                }

                break;
            }

            if (i < data.Length && data[i] == '\r')
            {
                if (i + 1 >= data.Length || data[i + 1] != '\n')
                {
                    return new ReferenceResult(records, start, "lone CR");
                }

                i++;
            }

            if (i < data.Length && data[i] == '\n')
            {
                i++;
                line++;
            }

            width ??= fields.Count;
            if (fields.Count != width)
            {
                return new ReferenceResult(records, start, $"{fields.Count} fields, header has {width}");
            }

            records.Add((start, fields.ToArray()));
        }

        return new ReferenceResult(records, null, null);
    }
}
