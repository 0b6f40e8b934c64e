namespace Sluice.Connectors.Http.Records;

/// <summary>
/// A write-only buffer for one page's flattened records: in memory while small (most pages), in a
/// temporary file once it passes <see cref="MemoryLimit"/>, so a page of any size costs at most
/// that much memory. Read back once, in page order, by <see cref="CopyToAsync(Stream, CancellationToken)"/>.
/// </summary>
internal sealed class SpillStream(string directory) : Stream
{
    public const int MemoryLimit = 1 << 20;

    private MemoryStream? _memory = new();
    private FileStream? _file;
    private string? _path;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _file?.Length ?? _memory?.Length ?? 0;

    public override long Position
    {
        get => Length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_memory is not null && _memory.Length + buffer.Length > MemoryLimit)
        {
            Directory.CreateDirectory(directory);
            _path = Path.Combine(directory, $"page-{Guid.NewGuid():N}.jsonl");
            _file = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            _file.Write(_memory.GetBuffer().AsSpan(0, (int)_memory.Length));
            _memory = null;
        }

        if (_memory is not null)
        {
            _memory.Write(buffer);
        }
        else
        {
            _file!.Write(buffer);
        }
    }

    /// <summary>Copies everything written so far to <paramref name="destination"/>.</summary>
    public new async Task CopyToAsync(Stream destination, CancellationToken cancellationToken)
    {
        if (_memory is not null)
        {
            await destination.WriteAsync(_memory.GetBuffer().AsMemory(0, (int)_memory.Length), cancellationToken);
            return;
        }

        await _file!.FlushAsync(cancellationToken);
        _file.Position = 0;
        await _file.CopyToAsync(destination, 1 << 16, cancellationToken);
    }

    /// <summary>Nothing to do: the writer flushes after every record, and a system call per record would cost more than the record.</summary>
    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _memory?.Dispose();
            _file?.Dispose();
            if (_path is not null)
            {
                File.Delete(_path);
            }
        }

        base.Dispose(disposing);
    }
}
