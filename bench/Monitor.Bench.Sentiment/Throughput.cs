using System.Diagnostics;
using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Bench.Sentiment;

/// <summary>
/// Single-thread comments per second of <see cref="ISentimentAnalyser.Analyse"/> over a set's texts, per second of
/// this process's CPU time rather than of wall-clock time: on a machine shared with other work the wall clock
/// counts the time the thread waited for a core, which says nothing about the analyser.
/// </summary>
internal static class Throughput
{
    public static double Measure(ISentimentAnalyser analyser, string[] texts, double seconds)
    {
        // Warm up so that tiered compilation has produced the optimised code before timing.
        var sink = 0.0;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < Math.Min(2, seconds / 2))
        {
            foreach (var t in texts)
            {
                sink += analyser.Analyse(t).Score;
            }
        }
        long done = 0;
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            foreach (var t in texts)
            {
                sink += analyser.Analyse(t).Score;
            }
            done += texts.Length;
        }
        watch.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        GC.KeepAlive(sink);
        return done / cpu;
    }
}
