using System.Text;

namespace Sluice.Examples.Sales;

/// <summary>Minimal CSV output helpers shared by all writers.</summary>
internal static class CsvText
{
    /// <summary>
    /// Quotes only when RFC 4180 requires it. Leading/trailing spaces are deliberately left
    /// unquoted: they are part of the mess the pipeline has to trim.
    /// </summary>
    public static string Field(string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return value;
        }

        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>
    /// A large buffer because the benchmark writes millions of lines; UTF-8 without BOM and
    /// '\n' line endings so the same arguments produce byte-identical files on every OS.
    /// </summary>
    public static StreamWriter Create(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 20);
        return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16)
        {
            NewLine = "\n",
        };
    }
}
