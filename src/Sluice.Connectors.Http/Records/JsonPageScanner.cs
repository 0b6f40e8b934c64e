using System.Text.Json;

namespace Sluice.Connectors.Http.Records;

/// <summary>
/// Walks one JSON response token by token, as its bytes arrive, so a page is never held whole:
/// each record found at the records path is parsed on its own (a record, not the page, is the
/// unit of memory) and handed to <see cref="RecordFound"/>; the scalars pagination needs (next
/// link, cursor, totals) are kept wherever they appear, before or after the records.
/// </summary>
internal sealed class JsonPageScanner
{
    private static readonly JsonReaderOptions ReaderOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private readonly string[] _recordsPath;
    private readonly Dictionary<string, string[]> _watched;
    private readonly List<Frame> _frames = [];
    private readonly List<string> _path = [];
    private JsonReaderState _state = new(ReaderOptions);
    private string? _pendingName;

    public JsonPageScanner(string recordsPath, IEnumerable<string?> watchedPaths)
    {
        _recordsPath = Segments(recordsPath);
        _watched = watchedPaths.OfType<string>().Distinct(StringComparer.Ordinal).ToDictionary(p => p, Segments, StringComparer.Ordinal);
    }

    /// <summary>Receives each record (an element of the records array, or the one object there).</summary>
    public required Action<JsonElement> RecordFound { get; init; }

    /// <summary>What the records path held: null until seen; then Array, Object, Null, or the kind of scalar found there.</summary>
    public JsonValueKind? RecordsKind { get; private set; }

    /// <summary>The kind of the whole document's root, and its first keys, for "no such path" messages.</summary>
    public JsonValueKind RootKind { get; private set; } = JsonValueKind.Undefined;

    public List<string> TopLevelKeys { get; } = [];

    /// <summary>Scalars found at the watched paths, as text.</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads as many whole tokens (and whole records) from <paramref name="data"/> as it holds;
    /// returns how many bytes were used. The rest must be offered again with more bytes after it.
    /// Throws <see cref="JsonException"/> on malformed JSON.
    /// </summary>
    public int Feed(ReadOnlySpan<byte> data, bool isFinalBlock)
    {
        var reader = new Utf8JsonReader(data, isFinalBlock, _state);
        var used = 0L;
        var usedState = _state;
        while (reader.Read())
        {
            if (!Token(ref reader))
            {
                break;
            }

            used = reader.BytesConsumed;
            usedState = reader.CurrentState;
        }

        _state = usedState;
        return (int)used;
    }

    /// <summary>Handles one token; false when it starts a record whose end has not arrived yet.</summary>
    private bool Token(ref Utf8JsonReader reader)
    {
        var token = reader.TokenType;
        if (token == JsonTokenType.PropertyName)
        {
            _pendingName = reader.GetString();
            if (_frames.Count == 1 && TopLevelKeys.Count < 12)
            {
                TopLevelKeys.Add(_pendingName!);
            }

            return true;
        }

        if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
        {
            var frame = _frames[^1];
            _frames.RemoveAt(_frames.Count - 1);
            if (frame.Segment is not null)
            {
                _path.RemoveAt(_path.Count - 1);
            }

            Advance();
            return true;
        }

        var segment = CurrentSegment();
        if (_frames.Count == 0)
        {
            RootKind = token switch
            {
                JsonTokenType.StartObject => JsonValueKind.Object,
                JsonTokenType.StartArray => JsonValueKind.Array,
                _ => JsonValueKind.Undefined,
            };
        }

        if (_frames.Count > 0 && _frames[^1].IsRecords)
        {
            // An element of the records array: a whole record, or nothing until its end arrives.
            if (!JsonDocument.TryParseValue(ref reader, out var record))
            {
                return false;
            }

            using (record)
            {
                RecordFound(record.RootElement);
            }

            Advance();
            return true;
        }

        var atRecords = Matches(_recordsPath, segment);
        if (token == JsonTokenType.StartObject && atRecords)
        {
            if (!JsonDocument.TryParseValue(ref reader, out var record))
            {
                return false;
            }

            RecordsKind = JsonValueKind.Object;
            using (record)
            {
                RecordFound(record.RootElement);
            }

            Advance();
            return true;
        }

        if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var isRecords = atRecords && token == JsonTokenType.StartArray;
            if (isRecords)
            {
                RecordsKind = JsonValueKind.Array;
            }

            _frames.Add(new Frame(segment, token == JsonTokenType.StartArray, isRecords));
            if (segment is not null)
            {
                _path.Add(segment);
            }

            _pendingName = null;
            return true;
        }

        if (atRecords)
        {
            RecordsKind = Kind(token);
        }

        foreach (var (name, path) in _watched)
        {
            if (Matches(path, segment) && Text(ref reader) is { Length: > 0 } text)
            {
                Values[name] = text;
            }
        }

        Advance();
        return true;
    }

    /// <summary>The name (in an object) or index (in an array) of the value about to be read; null for the root.</summary>
    private string? CurrentSegment()
    {
        if (_frames.Count == 0)
        {
            return null;
        }

        var parent = _frames[^1];
        return parent.IsArray ? parent.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) : _pendingName;
    }

    /// <summary>After a value: its name is used up, and its array moves to the next index.</summary>
    private void Advance()
    {
        _pendingName = null;
        if (_frames.Count > 0 && _frames[^1].IsArray)
        {
            _frames[^1] = _frames[^1] with { Index = _frames[^1].Index + 1 };
        }
    }

    private bool Matches(string[] target, string? segment)
    {
        if (segment is null)
        {
            return target.Length == 0;
        }

        if (target.Length != _path.Count + 1 || !string.Equals(target[^1], segment, StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < _path.Count; i++)
        {
            if (!string.Equals(target[i], _path[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        _ => null,
    };

    private static JsonValueKind Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        _ => JsonValueKind.Null,
    };

    /// <summary>The segments of a dotted path: <c>data.items</c>, <c>$.meta.next</c>, <c>pages.0.items</c>; <c>$</c> is the root.</summary>
    public static string[] Segments(string path)
    {
        var trimmed = path.Trim();
        trimmed = trimmed == "$" ? string.Empty : trimmed.StartsWith("$.", StringComparison.Ordinal) ? trimmed[2..] : trimmed;
        return trimmed.Split('.', StringSplitOptions.RemoveEmptyEntries);
    }

    private readonly record struct Frame(string? Segment, bool IsArray, bool IsRecords)
    {
        public int Index { get; init; }
    }
}
