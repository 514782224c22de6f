namespace Monitor.Worker.Storage;

/// <summary>
/// At most one report per interval of something that happens many times a second during an outage: <see cref="Due"/> says
/// whether this occurrence should be logged and how many happened since the last report (this one included). Thread-safe.
/// </summary>
public sealed class LogThrottle(TimeSpan every)
{
    private long _lastReport;
    private long _since;

    public bool Due(out long count)
    {
        var since = Interlocked.Increment(ref _since);
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastReport);
        count = since;
        if (last != 0 && now - last < every.TotalMilliseconds) return false;
        if (Interlocked.CompareExchange(ref _lastReport, now, last) != last) return false;
        count = Interlocked.Exchange(ref _since, 0);
        return true;
    }
}
