using System.CommandLine;
using Sluice.Incremental;

namespace Sluice.Cli.Commands;

/// <summary><c>--full-refresh</c>, <c>--cursor-from</c> and <c>--cursor-to</c>: how a run's incremental sources choose their bounds.</summary>
internal static class CursorOptions
{
    public static (Option<bool> FullRefresh, Option<string?> From, Option<string?> To) Create() =>
        (new Option<bool>("--full-refresh") { Description = "Incremental sources read from their 'initial' bound whatever their watermark, and store the new high." },
         new Option<string?>("--cursor-from") { Description = "Replay: incremental sources read rows with cursor >= this value; the watermark does not move." },
         new Option<string?>("--cursor-to") { Description = "Replay: ... and cursor <= this value." });

    public static CursorRequest Read(ParseResult parse, Option<bool> fullRefresh, Option<string?> from, Option<string?> to)
    {
        var request = new CursorRequest
        {
            FullRefresh = parse.GetValue(fullRefresh),
            ReplayFrom = parse.GetValue(from) is { } f ? CursorValue.Parse(f) : null,
            ReplayTo = parse.GetValue(to) is { } t ? CursorValue.Parse(t) : null,
        };
        if (request.FullRefresh && (request.ReplayFrom is not null || request.ReplayTo is not null))
        {
            throw new SluiceException("--full-refresh reads everything from 'initial' and moves the watermark; --cursor-from/--cursor-to replay a range and leave it. Use one or the other.");
        }

        return request;
    }
}
