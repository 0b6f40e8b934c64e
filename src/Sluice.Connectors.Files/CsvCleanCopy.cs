using System.Buffers;

namespace Sluice.Connectors.Files;

/// <summary>One quarantined line found by the structure check.</summary>
internal sealed record CsvStructureReject(string File, long Line, string ErrorType, string Reason, string RawLine);

/// <summary>
/// The copy of a CSV file DuckDB reads when the structure check found something: each line of a
/// malformed record becomes an empty line (DuckDB skips those and still counts them, so its line
/// numbers stay the file's) and is reported; line ends outside quotes become LF, which DuckDB can
/// sniff where it cannot sniff a mix of CRLF and LF. Line ends inside quoted fields are kept.
/// </summary>
internal static class CsvCleanCopy
{
    public static async Task WriteAsync(CsvFileStructure structure, string target, System.Text.Encoding encoding, Action<CsvStructureReject> reject, CancellationToken cancellationToken)
    {
        await using var input = new FileStream(structure.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        var lineBytes = new ArrayBufferWriter<byte>();
        var buffer = new byte[1 << 16];
        var line = 1L;
        var badIndex = 0;
        var multiIndex = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == '\n')
                {
                    lineBytes.Write(buffer.AsSpan(start, i - start));
                    await WriteLineAsync(lineBytes.WrittenMemory, terminated: true);
                    lineBytes.Clear();
                    start = i + 1;
                    line++;
                }
            }

            lineBytes.Write(buffer.AsSpan(start, read - start));
        }

        if (lineBytes.WrittenCount > 0)
        {
            await WriteLineAsync(lineBytes.WrittenMemory, terminated: false);
        }

        async Task WriteLineAsync(ReadOnlyMemory<byte> bytes, bool terminated)
        {
            while (badIndex < structure.Bad.Count && structure.Bad[badIndex].LastLine < line)
            {
                badIndex++;
            }

            while (multiIndex < structure.MultiLine.Count && structure.MultiLine[multiIndex].Last < line)
            {
                multiIndex++;
            }

            var withoutCr = bytes.Length > 0 && bytes.Span[^1] == '\r' ? bytes[..^1] : bytes;
            if (badIndex < structure.Bad.Count && structure.Bad[badIndex].FirstLine <= line)
            {
                var bad = structure.Bad[badIndex];
                var reason = line == bad.FirstLine ? bad.Reason : $"part of the malformed record that starts at line {bad.FirstLine}: {bad.Reason}";
                reject(new CsvStructureReject(structure.File, line, bad.ErrorType, reason, encoding.GetString(withoutCr.Span).Replace("\0", "\\0", StringComparison.Ordinal)));
                output.WriteByte((byte)'\n');
                return;
            }

            var insideQuotes = multiIndex < structure.MultiLine.Count && structure.MultiLine[multiIndex].First <= line && line < structure.MultiLine[multiIndex].Last;
            await output.WriteAsync(insideQuotes ? bytes : withoutCr, cancellationToken);
            if (terminated)
            {
                output.WriteByte((byte)'\n');
            }
        }
    }
}
