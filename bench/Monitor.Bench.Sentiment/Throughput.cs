using System.Diagnostics;
using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Bench.Sentiment;

/// <summary>Single-thread comments per second of <see cref="ISentimentAnalyser.Analyse"/> over a set's texts.</summary>
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
        GC.KeepAlive(sink);
        return done / watch.Elapsed.TotalSeconds;
    }
}
