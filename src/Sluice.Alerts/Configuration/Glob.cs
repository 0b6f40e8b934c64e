using System.Text.RegularExpressions;

namespace Sluice.Alerts.Configuration;

/// <summary>Pipeline-name patterns in routes: <c>*</c> for any run of characters, <c>?</c> for one.</summary>
internal static class Glob
{
    public static bool Matches(string pattern, string name) =>
        Regex.IsMatch(name, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
