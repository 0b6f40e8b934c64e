namespace Sluice.Connectors.Files;

internal enum FileFormat
{
    Csv,
    JsonLines,
    JsonArray,
    Parquet,
}

internal static class FileFormats
{
    public static readonly string[] Names = ["auto", "csv", "jsonl", "json", "parquet"];

    /// <summary>The format from the option, or from the file extension when the option is <c>auto</c>.</summary>
    public static FileFormat Resolve(string option, string path)
    {
        var name = option == "auto" ? Path.GetExtension(path.Replace("*", string.Empty, StringComparison.Ordinal)).TrimStart('.').ToLowerInvariant() : option;
        return name switch
        {
            "csv" or "tsv" or "txt" => FileFormat.Csv,
            "jsonl" or "ndjson" => FileFormat.JsonLines,
            "json" => FileFormat.JsonArray,
            "parquet" or "pq" => FileFormat.Parquet,
            _ => throw new SluiceException($"cannot tell the format of '{path}' from its extension; set option 'format' to one of: csv, jsonl, json, parquet."),
        };
    }
}
