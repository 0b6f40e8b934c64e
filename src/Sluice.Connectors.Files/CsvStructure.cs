using System.Buffers;

namespace Sluice.Connectors.Files;

/// <summary>The CSV dialect the structure check reads with: single-byte delimiter, quote and escape.</summary>
internal sealed record CsvDialect(byte Delimiter, byte Quote, byte Escape, bool Header, int SkipRows, int? ExpectedFields, System.Text.Encoding Encoding);

/// <summary>A malformed record: its physical lines, why, and the start of its first line.</summary>
internal sealed record CsvBadRecord(long FirstLine, long LastLine, string ErrorType, string Reason, string Text);

/// <summary>What the structure check found in one file.</summary>
internal sealed record CsvFileStructure(string File, IReadOnlyList<CsvBadRecord> Bad, IReadOnlyList<(long First, long Last)> MultiLine, bool MixedLineEnds)
{
    public long BadLines => Bad.Sum(b => b.LastLine - b.FirstLine + 1);

    /// <summary>Records after the header and skipped lines, malformed ones included: the rows of a clean file.</summary>
    public long Records { get; init; }

    /// <summary>Empty lines between records (not the end of the last one), which readers may count as a row or not.</summary>
    public long BlankLines { get; init; }

    /// <summary>Whether DuckDB reads the file as it is, one row per record: nothing malformed, one kind of line end, no blank line.</summary>
    public bool IsClean => Bad.Count == 0 && !MixedLineEnds && BlankLines == 0;
}

/// <summary>
/// Reads a CSV file's structure (RFC 4180 quoting, line ends) before DuckDB does. DuckDB fails a
/// whole file on one unbalanced quote with "Error when sniffing file" and no line, cannot sniff
/// mixed CRLF and LF line ends, and quietly accepts NUL bytes; this check finds such records with
/// their lines, so they fail the task naming the line or are quarantined, line by line. Field counts
/// of one-line records and value conversions are left to DuckDB's own reject tracking.
/// </summary>
internal static class CsvStructure
{
    private const int TextLimit = 200;

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuotedEscape,
        AfterQuote,
    }

    public static async Task<CsvFileStructure> CheckAsync(string file, CsvDialect dialect, CancellationToken cancellationToken)
    {
        var bad = new List<CsvBadRecord>();
        var multiLine = new List<(long, long)>();
        bool sawLf = false, sawCrLf = false;
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        var line = 1L;
        var skipping = dialect.SkipRows;
        var expected = dialect.ExpectedFields;
        var headerPending = dialect.Header;
        var state = State.FieldStart;
        var recordLine = 1L;
        var fields = 1;
        var empty = true;
        var pendingCr = false;
        var quoteLine = 0L;
        var quoteColumn = 0L;
        var column = 0L;
        (string Type, string Reason)? problem = null;
        var text = new List<byte>(TextLimit);
        var first = true;
        byte previous = 0;
        // Delimiters inside an unquoted run are counted, not stopped at: only a quote can change the state there.
        var unquotedStops = SearchValues.Create([dialect.Quote, (byte)'\n', (byte)'\r', 0]);
        var quotedStops = SearchValues.Create([dialect.Quote, dialect.Escape, (byte)'\n', 0]);

        var records = 0L;
        var blankLines = 0L;

        void EndRecord()
        {
            if (!headerPending)
            {
                records++;
            }

            if (headerPending)
            {
                headerPending = false;
                expected ??= fields;
            }
            else if (problem is null && recordLine != line && expected is { } count && fields != count)
            {
                problem = (fields < count ? "MISSING COLUMNS" : "TOO MANY COLUMNS", $"Expected Number of Columns: {count} Found: {fields} (one record across lines {recordLine}-{line})");
            }

            if (problem is { } p)
            {
                bad.Add(new CsvBadRecord(recordLine, line, p.Type, p.Reason, dialect.Encoding.GetString(text.ToArray())));
            }
            else if (recordLine != line)
            {
                multiLine.Add((recordLine, line));
            }
        }

        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var start = 0;
            if (first)
            {
                first = false;
                start = read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
            }

            for (var i = start; i < read; i++)
            {
                // Plain bytes between the ones that matter are skipped in one vectorised search.
                if (skipping == 0 && !pendingCr && state is State.Unquoted or State.Quoted)
                {
                    var run = buffer.AsSpan(i, read - i).IndexOfAny(state == State.Quoted ? quotedStops : unquotedStops);
                    run = run < 0 ? read - i : run;
                    if (run > 0)
                    {
                        if (state == State.Unquoted && buffer.AsSpan(i, run).Count(dialect.Delimiter) is var delimiters and > 0)
                        {
                            // A quote right after the run's last delimiter opens a quoted field; elsewhere it is text.
                            fields += delimiters;
                            state = buffer[i + run - 1] == dialect.Delimiter ? State.FieldStart : State.Unquoted;
                        }

                        if (recordLine == line && text.Count < TextLimit)
                        {
                            text.AddRange(buffer.AsSpan(i, Math.Min(run, TextLimit - text.Count)));
                        }

                        column += run;
                        previous = buffer[i + run - 1];
                        i += run;
                        if (i >= read)
                        {
                            break;
                        }
                    }
                }

                var b = buffer[i];
                column++;
                if (skipping > 0)
                {
                    if (b == '\n')
                    {
                        skipping--;
                        line++;
                        recordLine = line;
                        column = 0;
                    }

                    continue;
                }

                if (recordLine == line && b != '\n' && text.Count < TextLimit)
                {
                    text.Add(b);
                }

                if (pendingCr)
                {
                    pendingCr = false;
                    if (b != '\n')
                    {
                        problem ??= ("LINE END", $"a carriage return without a line feed at column {column - 1}; line ends must be LF or CRLF");
                    }
                }

                if (b == 0 && state != State.QuotedEscape)
                {
                    problem ??= ("NUL BYTE", $"a NUL byte (\\0) at column {column} in field {fields}");
                }

                switch (state)
                {
                    case State.Quoted:
                        if (b == dialect.Escape && dialect.Escape != dialect.Quote)
                        {
                            state = State.QuotedEscape;
                        }
                        else if (b == dialect.Quote)
                        {
                            state = State.AfterQuote;
                        }

                        break;
                    case State.QuotedEscape:
                        state = State.Quoted;
                        break;
                    case State.AfterQuote when b == dialect.Quote && dialect.Escape == dialect.Quote:
                        state = State.Quoted; // a doubled quote inside a quoted field
                        break;
                    default:
                        if (b == '\n')
                        {
                            if (!empty)
                            {
                                EndRecord();
                            }
                            else
                            {
                                blankLines++;
                            }

                            if (previous == '\r')
                            {
                                sawCrLf = true;
                            }
                            else
                            {
                                sawLf = true;
                            }

                            state = State.FieldStart;
                            fields = 1;
                            empty = true;
                            problem = null;
                            recordLine = line + 1;
                            text.Clear();
                        }
                        else if (b == '\r')
                        {
                            pendingCr = true;
                        }
                        else if (b == dialect.Delimiter)
                        {
                            fields++;
                            empty = false;
                            state = State.FieldStart;
                        }
                        else if (b == dialect.Quote && state == State.FieldStart)
                        {
                            state = State.Quoted;
                            empty = false;
                            quoteLine = line;
                            quoteColumn = column;
                        }
                        else
                        {
                            if (state == State.AfterQuote)
                            {
                                problem ??= ("UNQUOTED TEXT", $"text after the closing quote of field {fields} at column {column}; a quote inside a field must be doubled");
                            }

                            state = State.Unquoted;
                            empty = false;
                        }

                        break;
                }

                if (b == '\n')
                {
                    line++;
                    column = 0;
                }

                previous = b;
            }
        }

        if (state is State.Quoted or State.QuotedEscape)
        {
            bad.Add(new CsvBadRecord(recordLine, column == 0 ? line - 1 : line, "UNBALANCED QUOTE",
                $"the quote opened at line {quoteLine} column {quoteColumn} never closes, so that field would swallow every line to the end of the file; close or double the quote", dialect.Encoding.GetString(text.ToArray())));
        }
        else if (!empty && skipping == 0)
        {
            EndRecord();
        }

        return new CsvFileStructure(file, bad, multiLine, sawLf && sawCrLf) { Records = records, BlankLines = blankLines };
    }
}
