namespace Sluice.Templating;

/// <summary>
/// A <c>KEY=VALUE</c> file of secrets, consulted for <c>${KEY}</c> after the environment. Lines
/// starting with # are comments; values may be quoted.
/// </summary>
public static class SecretsFile
{
    public const string FileName = "secrets.env";

    public static string? Find(string pipelineDirectory)
    {
        if (Environment.GetEnvironmentVariable("SLUICE_SECRETS_FILE") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : throw new SluiceException($"SLUICE_SECRETS_FILE points to '{configured}', which does not exist.");
        }

        return new[] { Path.Combine(pipelineDirectory, FileName), Path.GetFullPath(FileName) }.FirstOrDefault(File.Exists);
    }

    public static IReadOnlyDictionary<string, string> Read(string? path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is null)
        {
            return values;
        }

        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                // The line itself may be a secret: say where, never what.
                throw new SluiceException($"{path}:{number}: expected KEY=VALUE.");
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            values[line[..equals].Trim()] = value;
        }

        return values;
    }

    /// <summary>Environment first, then the secrets file.</summary>
    public static Func<string, string?> Lookup(string? path)
    {
        var values = Read(path);
        return name => Environment.GetEnvironmentVariable(name) ?? values.GetValueOrDefault(name);
    }

    /// <summary>A variable is secret when the secrets file lists it or its name says so (<see cref="SecretNames"/>).</summary>
    public static Func<string, bool> IsSecret(string? path)
    {
        var listed = Read(path);
        return name => listed.ContainsKey(name) || SecretNames.LooksSecret(name);
    }
}
