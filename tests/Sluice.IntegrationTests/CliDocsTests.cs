using System.Text.RegularExpressions;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>
/// The examples of docs pages (docs/cli.md and others) are run through the built CLI and their documented output compared with
/// the real one, so the page cannot drift. A block takes part when an HTML comment right above it
/// says <c>&lt;!-- doc-test ... --&gt;</c>; its directives (separated by ';') are <c>fresh</c> (a new
/// project: examples/sales and docs/examples as in the repository), <c>copy FOLDER</c> (another folder of the
/// repository copied into the project, such as examples/incremental), <c>in FOLDER</c> (where the
/// commands run) and <c>replace FILE: OLD =&gt; NEW</c> (an edit before the commands). Each
/// <c>$ ...</c> line is run; the lines after it are its documented output. Times, durations, process
/// ids and the project's path are normalised; a line <c>...</c> stands for lines left out, and a
/// line ending in <c>...</c> matches any line it begins. A block without <c>...</c> must match line for line.
/// </summary>
public sealed partial class CliDocsTests : IDisposable
{
    private readonly List<TestProject> _projects = [];

    [Theory]
    [InlineData("cli.md", 8)]
    [InlineData("pipeline-yaml.md", 3)]
    [InlineData("transforms/sql.md", 1)]
    [InlineData("csharp-builder.md", 1)]
    [InlineData("checks.md", 1)]
    [InlineData("incremental.md", 2)]
    [InlineData("architecture.md", 1)]
    public async Task The_marked_examples_of_a_docs_page_print_what_the_page_shows(string name, int blocksAtLeast)
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", name));
        var blocks = MarkedBlock().Matches(page).ToList();
        Assert.True(blocks.Count >= blocksAtLeast, $"only {blocks.Count} doc-test blocks found in docs/{name}");

        TestProject? project = null;
        var problems = new List<string>();
        foreach (var block in blocks)
        {
            var folder = ".";
            foreach (var directive in block.Groups["directives"].Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (directive == "fresh" || project is null)
                {
                    project = NewProject();
                }

                if (directive.StartsWith("copy ", StringComparison.Ordinal))
                {
                    var folderToCopy = directive[5..].Trim();
                    project.CopyFromOutput(folderToCopy, into: folderToCopy);
                }
                else if (directive.StartsWith("in ", StringComparison.Ordinal))
                {
                    folder = directive[3..].Trim();
                }
                else if (Replacement().Match(directive) is { Success: true } edit)
                {
                    var file = project.PathOf(edit.Groups["file"].Value);
                    var text = File.ReadAllText(file);
                    Assert.Contains(edit.Groups["old"].Value, text, StringComparison.Ordinal);
                    File.WriteAllText(file, text.Replace(edit.Groups["old"].Value, edit.Groups["new"].Value, StringComparison.Ordinal));
                }
            }

            project ??= NewProject();
            var (commands, expected) = Parse(block.Groups["body"].Value);
            var actual = new List<string>();
            foreach (var command in commands)
            {
                actual.AddRange(await RunAsync(project, folder, command));
            }

            if (Mismatch(expected.Select(l => Normalize(l, project.Root)).ToList(), actual.Select(l => Normalize(l, project.Root)).ToList()) is { } mismatch)
            {
                problems.Add($"docs/{name}, the block of '$ {string.Join("', '$ ", commands)}': {mismatch}\n--- real output ---\n{string.Join('\n', actual)}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    private TestProject NewProject()
    {
        var project = new TestProject();
        _projects.Add(project);
        project.CopyFromOutput(Path.Combine("examples", "sales"), into: Path.Combine("examples", "sales"));
        project.CopyFromOutput(Path.Combine("docs", "examples"), into: Path.Combine("docs", "examples"));
        return project;
    }

    private static (List<string> Commands, List<string> Expected) Parse(string body)
    {
        var commands = new List<string>();
        var expected = new List<string>();
        foreach (var line in body.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("$ ", StringComparison.Ordinal))
            {
                commands.Add(line[2..]);
            }
            else if (line.Length > 0)
            {
                expected.Add(line);
            }
        }

        return (commands, expected);
    }

    /// <summary>Runs one documented command line: <c>[cd DIR &amp;&amp;] [VAR=value ...] sluice args [| cat]</c>.</summary>
    private static async Task<IEnumerable<string>> RunAsync(TestProject project, string folder, string command)
    {
        var directory = project.PathOf(folder);
        var text = command.Replace("| cat", string.Empty, StringComparison.Ordinal).Trim();
        var tail = TailSuffix().Match(text);
        if (tail.Success)
        {
            text = text[..tail.Index].Trim();
        }

        if (CdPrefix().Match(text) is { Success: true } cd)
        {
            directory = Path.Combine(directory, cd.Groups["dir"].Value);
            text = text[cd.Length..];
        }

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var environment = new Dictionary<string, string> { ["SLUICE_PLAIN"] = "1" };
        while (words.Count > 0 && words[0].Contains('=', StringComparison.Ordinal))
        {
            var pair = words[0].Split('=', 2);
            environment[pair[0]] = pair[1];
            words.RemoveAt(0);
        }

        Assert.Equal("sluice", words[0]);
        var result = await CliProcess.RunAsync(directory, environment, words.Skip(1).ToArray());
        var lines = (tail.Success ? result.Output : result.Output + result.Error).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        return tail.Success ? lines.TakeLast(int.Parse(tail.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)) : lines;
    }

    private static string Normalize(string line, string root) =>
        Whitespace().Replace(
            Duration().Replace(
                ProcessId().Replace(
                    Clock().Replace(line.Replace(root, "<repo>", StringComparison.Ordinal), "hh:mm:ss"),
                    "process N"),
                "Ns"),
            " ").Trim();

    private static string? Mismatch(List<string> expected, List<string> actual)
    {
        if (!expected.Contains("..."))
        {
            if (expected.Count != actual.Count)
            {
                return $"documented {expected.Count} line(s), printed {actual.Count}";
            }

            var first = expected.Zip(actual).Select((pair, index) => (pair, index)).FirstOrDefault(p => !Matches(p.pair.First, p.pair.Second));
            return first.pair.First is null ? null : $"line {first.index + 1}: documented '{first.pair.First}', printed '{first.pair.Second}'";
        }

        var missing = expected.Where(e => e != "..." && !actual.Any(a => Matches(e, a))).ToList();
        return missing.Count == 0 ? null : "not printed: " + string.Join(" | ", missing);
    }

    private static bool Matches(string documented, string printed) =>
        documented.EndsWith("...", StringComparison.Ordinal)
            ? printed.StartsWith(documented[..^3].TrimEnd(), StringComparison.Ordinal)
            : documented == printed;

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Sluice.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Sluice.slnx) is not above the test output.");
    }

    [GeneratedRegex(@"<!-- doc-test(?::?(?<directives>[^\n]*?))? -->[ \t]*\n```\n(?<body>.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex MarkedBlock();

    [GeneratedRegex(@"^replace (?<file>[^:]+): (?<old>.+?) => (?<new>.+)$")]
    private static partial Regex Replacement();

    [GeneratedRegex(@"\| tail -(?<n>\d+)$")]
    private static partial Regex TailSuffix();

    [GeneratedRegex(@"^cd (?<dir>\S+) && ")]
    private static partial Regex CdPrefix();

    [GeneratedRegex(@"\b\d\d:\d\d:\d\d\b")]
    private static partial Regex Clock();

    [GeneratedRegex(@"\b\d+(\.\d+)?s\b")]
    private static partial Regex Duration();

    [GeneratedRegex(@"process \d+")]
    private static partial Regex ProcessId();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    public void Dispose() => _projects.ForEach(p => p.Dispose());
}
