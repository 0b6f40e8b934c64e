using System.Text;
using Sluice.Engine.DuckDb;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Connectors.Files;

/// <summary>
/// The structure check of each CSV file, run while DuckDB reads it: the lines of malformed records
/// are blanked out of a temporary copy and recorded in <c>sluice_structure_rejects</c>, which
/// <see cref="CsvRejects"/> adds to DuckDB's own rejects, so a failure lists every kind of problem
/// in line order and a quarantine holds them all.
/// </summary>
internal sealed class CsvPreparation : IDisposable
{
    private readonly Dictionary<string, string> _originals = new(StringComparer.Ordinal);

    private CsvPreparation(IReadOnlyList<string> files) => Files = files;

    /// <summary>The files DuckDB reads: the user's, or a copy where one was needed.</summary>
    public IReadOnlyList<string> Files { get; }

    public IReadOnlyDictionary<string, string> Originals => _originals;

    /// <summary>Whether DuckDB reads cleaned copies instead of some of the user's files.</summary>
    public bool HasCopies => _originals.Count > 0;

    /// <summary>The tables <see cref="CsvRejects"/> reads, empty until <see cref="ApplyAsync"/> fills them.</summary>
    public static async Task CreateTablesAsync(DuckDbSession session, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync("CREATE TABLE sluice_copies (copy VARCHAR, original VARCHAR)", [], cancellationToken);
        await session.ExecuteAsync("CREATE TABLE sluice_line_offsets (source_file VARCHAR, after_line BIGINT, line_offset BIGINT)", [], cancellationToken);
        await session.ExecuteAsync("CREATE TABLE sluice_structure_rejects (source_file VARCHAR, line_number BIGINT, error_type VARCHAR, column_name VARCHAR, reason VARCHAR, raw_line VARCHAR)", [], cancellationToken);
    }

    /// <summary>The structure check of every file: it reads the files only, so it can run while DuckDB reads them too.</summary>
    public static async Task<IReadOnlyList<CsvFileStructure>> CheckAsync(IReadOnlyList<string> files, CsvDialect dialect, CancellationToken cancellationToken)
    {
        var structures = new List<CsvFileStructure>();
        foreach (var file in files)
        {
            structures.Add(await CsvStructure.CheckAsync(file, dialect, cancellationToken));
        }

        return structures;
    }

    /// <summary>Records what the check found in the session and writes a cleaned copy of each file that needs one.</summary>
    public static async Task<CsvPreparation> ApplyAsync(DuckDbSession session, IReadOnlyList<CsvFileStructure> structures, CsvDialect dialect, TaskContext context, string tempDirectory, CancellationToken cancellationToken)
    {
        WriteLineOffsets(session, structures);
        var readFiles = new List<string>();
        var preparation = new CsvPreparation(readFiles);
        try
        {
            using var appender = session.Connection.CreateAppender("sluice_structure_rejects");
            foreach (var structure in structures)
            {
                if (structure.Bad.Count == 0 && !structure.MixedLineEnds)
                {
                    readFiles.Add(structure.File);
                    continue;
                }

                Directory.CreateDirectory(tempDirectory);
                var copy = Path.Combine(tempDirectory, $"csv-clean-{Guid.NewGuid():N}{Path.GetExtension(structure.File)}");
                preparation._originals[copy] = structure.File;
                readFiles.Add(copy);
                await CsvCleanCopy.WriteAsync(structure, copy, dialect.Encoding, r =>
                {
                    var row = appender.CreateRow();
                    row.AppendValue(r.File).AppendValue(r.Line).AppendValue(r.ErrorType).AppendNullValue().AppendValue(r.Reason).AppendValue(r.RawLine).EndRow();
                }, cancellationToken);
                await session.ExecuteAsync("INSERT INTO sluice_copies VALUES ($copy, $original)", [new("copy", copy), new("original", structure.File)], cancellationToken);
                if (structure.Bad.Count > 0)
                {
                    context.Log($"{structure.File}: {structure.BadLines} line(s) of {structure.Bad.Count} malformed record(s) found; reading a copy without them");
                }
            }
        }
        catch
        {
            preparation.Dispose();
            throw;
        }

        return preparation;
    }

    /// <summary>
    /// DuckDB numbers rejected rows by records and blank lines: a line break inside a quoted field
    /// does not count, so every later row was reported some lines too early. Each multi-line record
    /// shifts the rows after it by its extra lines; CsvRejects adds the shift back. (The lines of a
    /// quarantined record are empty lines in the copy, which DuckDB does count.)
    /// </summary>
    private static void WriteLineOffsets(DuckDbSession session, IReadOnlyList<CsvFileStructure> structures)
    {
        using var appender = session.Connection.CreateAppender("sluice_line_offsets");
        foreach (var structure in structures)
        {
            var offset = 0L;
            foreach (var (first, last) in structure.MultiLine)
            {
                var recordLine = first - offset;
                offset += last - first;
                appender.CreateRow().AppendValue(structure.File).AppendValue(recordLine).AppendValue(offset).EndRow();
            }
        }
    }

    /// <summary>The dialect the structure check can follow, or null (multi-byte delimiters, UTF-16), when DuckDB's reading alone decides.</summary>
    public static CsvDialect? Dialect(ConnectorOptions options, bool tabSeparated, int declaredColumns)
    {
        var delimiter = tabSeparated ? "\t" : options.GetRequiredString("delimiter");
        var quote = options.GetRequiredString("quote");
        var escape = options.GetString("escape") ?? quote;
        Encoding? encoding = options.GetChoice("encoding") switch
        {
            "utf-8" => new UTF8Encoding(false),
            "latin-1" => Encoding.Latin1,
            _ => null,
        };
        if (encoding is null || delimiter.Length != 1 || quote.Length != 1 || escape.Length != 1 || delimiter[0] > 127 || quote[0] > 127 || escape[0] > 127)
        {
            return null;
        }

        return new CsvDialect((byte)delimiter[0], (byte)quote[0], (byte)escape[0], options.GetBool("header"), options.GetInt("skip_rows"), declaredColumns > 0 ? declaredColumns : null, encoding);
    }

    /// <summary>The read, with the filename column naming the user's file rather than a copy.</summary>
    public string Wrap(string read, string? filenameColumn, List<SqlParameterValue> parameters) =>
        filenameColumn is null || _originals.Count == 0 ? read : $"SELECT * REPLACE ({CopiedFiles.FilenameCase(_originals, filenameColumn, parameters)}) FROM ({read})";

    public void Dispose()
    {
        foreach (var copy in _originals.Keys)
        {
            File.Delete(copy);
        }
    }
}
