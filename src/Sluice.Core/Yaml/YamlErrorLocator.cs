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
}
