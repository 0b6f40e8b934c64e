using YamlDotNet.Core;

namespace Sluice.Yaml;

/// <summary>Finds where YAML stops being parseable when the parser itself cannot say.</summary>
internal static class YamlErrorLocator
{
    public static (int Line, int Column) LastGoodPosition(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var last = (Line: 1, Column: 1);
        try
        {
            while (parser.MoveNext())
            {
                if (parser.Current is { } current)
                {
                    last = ((int)current.Start.Line, (int)current.Start.Column);
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return last;
        }

        return last;
    }

    /// <summary>
    /// Where the first tab used as indentation is. YAML forbids tabs there and YamlDotNet then reports
    /// a position unrelated to the tab, so the loaders look for one themselves when parsing fails.
    /// </summary>
    public static (int Line, int Column)? FirstIndentingTab(string yaml)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var (character, index) in lines[i].Select((c, index) => (c, index)))
            {
                if (character == '\t')
                {
                    return (i + 1, index + 1);
                }

                if (character != ' ')
                {
                    break;
                }
            }
        }

        return null;
    }

    public const string TabHint = "invalid YAML: a tab is used for indentation. YAML indents with spaces only; replace the tab with spaces.";
}
