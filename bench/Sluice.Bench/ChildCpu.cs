using System.Runtime.InteropServices;

namespace Sluice.Bench;

/// <summary>
/// CPU time (user + system) used by this process's terminated, reaped children, from
/// getrusage(RUSAGE_CHILDREN). The benchmark runs one child at a time, so the difference across one
/// child's run is exactly that child's CPU time: a figure that, unlike wall time, hardly changes when
/// other work competes for the shared machine's cores.
/// </summary>
internal static partial class ChildCpu
{
    private const int RusageChildren = -1;

    public static TimeSpan Total()
    {
        if (!OperatingSystem.IsLinux() || GetRusage(RusageChildren, out var usage) != 0)
        {
            return TimeSpan.Zero;
        }

        return usage.User.ToTimeSpan() + usage.System.ToTimeSpan();
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRusage(int who, out RUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;

        public readonly TimeSpan ToTimeSpan() => TimeSpan.FromSeconds(Seconds) + TimeSpan.FromMicroseconds(Microseconds);
    }

    // struct rusage on 64-bit Linux: two timevals, then fourteen longs (maxrss, ixrss, ...).
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public TimeVal User;
        public TimeVal System;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)]
        public long[] Rest;
    }
}
