using System.Text;

namespace Sluice.Connectors.Files;

/// <summary>
/// DuckDB matches declared CSV columns to fields by position. A file whose header lists the same
/// names in another order would load values into the wrong columns without a word, so the header is
/// checked against the declared names first.
/// </summary>
internal static class CsvHeader
{
    public static void EnsureMatches(IReadOnlyList<string> files, IReadOnlyList<string> declared, string delimiter, char quote, string encoding, int skipRows, string taskId)
    {
        var text = encoding switch
        {
            "latin-1" => Encoding.Latin1,
            "utf-16" => Encoding.Unicode,
            _ => Encoding.UTF8,
        };
        foreach (var file in files)
        {
            using var reader = new StreamReader(file, text, detectEncodingFromByteOrderMarks: true);
            for (var i = 0; i < skipRows; i++)
            {
                reader.ReadLine();
            }

            var header = Split(reader.ReadLine() ?? string.Empty, delimiter, quote);
            if (header.Count != declared.Count || !header.Zip(declared).All(p => string.Equals(p.First.Trim(), p.Second, StringComparison.OrdinalIgnoreCase)))
            {
                throw new BadDataException(
                    $"task '{taskId}': the header of {file} is ({string.Join(", ", header)}) but the declared columns are ({string.Join(", ", declared)}). " +
                    "Columns are matched by position: declare them in the file's order, or fix the file.");
            }
        }


    }

    private static List<string> Split(string line, string delimiter, char quote)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == quote)
            {
                if (quoted && i + 1 < line.Length && line[i + 1] == quote)
                {
                    current.Append(quote);
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (!quoted && string.CompareOrdinal(line, i, delimiter, 0, delimiter.Length) == 0)
            {
                fields.Add(current.ToString());
                current.Clear();
                i += delimiter.Length - 1;
            }
            else
            {
                current.Append(line[i]);
            }
        }

        fields.Add(current.ToString().TrimEnd('\r'));
        return fields;
    }
}
