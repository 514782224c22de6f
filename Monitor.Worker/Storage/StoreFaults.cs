using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;
using Prometheus;

namespace Monitor.Worker.Storage;

/// <summary>
/// Tells a store that cannot be reached or written (PostgreSQL down, restarting or out of disk; SQLite's disk full
/// or file locked) from a bug: the first is answered 503 with <c>Retry-After</c> and retried by the caller, the
/// second stays a 500 with its stack trace.
/// </summary>
public static class StoreFaults
{
    /// <summary>What a client is told to wait before trying again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Requests answered 503 because the store was unavailable, by surface (api, pulse, console, other).</summary>
    public static readonly Counter Unavailable = Prometheus.Metrics.CreateCounter("satisfaction_store_unavailable_responses_total",
        "Requests answered 503 because the store could not be reached or written, by surface.",
        new CounterConfiguration { LabelNames = ["surface"] });

    /// <summary>The surfaces of <see cref="Unavailable"/>: a fixed list, never a path.</summary>
    public static readonly IReadOnlyList<string> Surfaces = ["api", "pulse", "console", "other"];

    static StoreFaults()
    {
        foreach (var s in Surfaces) Unavailable.WithLabels(s);
    }

    /// <summary>
    /// True when <paramref name="e"/> (or an exception inside it) says the store is unavailable, not that a statement is wrong.
    /// </summary>
    public static bool IsUnavailable(Exception? e) => InChain(e, Classify);

    /// <summary>
    /// True when PostgreSQL refused a value the request carried because its text cannot hold it (SQLSTATE 22021: U+0000
    /// in a note, a title or a query parameter). The sender's fault, answered 400; SQLite stores such a value.
    /// </summary>
    public static bool IsUnstorableValue(Exception? e) =>
        InChain(e, x => x is PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire });

    // Whether the exception, or one inside it (an aggregate's included), passes the test; eight levels deep at most.
    private static bool InChain(Exception? e, Func<Exception, bool> test)
    {
        for (var depth = 0; e is not null && depth < 8; depth++, e = e.InnerException)
        {
            if (e is AggregateException a && a.InnerExceptions.Any(x => InChain(x, test))) return true;
            if (test(e)) return true;
        }
        return false;
    }

    /// <summary>One line saying why, without a stack trace: for logs and health descriptions.</summary>
    public static string Reason(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null && inner is not NpgsqlException and not SqliteException) inner = inner.InnerException;
        return $"{inner.GetType().Name}: {inner.Message.ReplaceLineEndings(" ")}";
    }

    private static bool Classify(Exception e) => e switch
    {
        // Class 08 connection, 53 insufficient resources (disk full, too many connections), 57P operator intervention
        // (shutdown, restart, cannot connect now), 58 system error (I/O).
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) ||
                               p.SqlState.StartsWith("53", StringComparison.Ordinal) ||
                               p.SqlState.StartsWith("57P", StringComparison.Ordinal) ||
                               p.SqlState.StartsWith("58", StringComparison.Ordinal),
        // Anything else of Npgsql's own: the connection failed, broke or timed out.
        NpgsqlException => true,
        // SQLITE_BUSY 5, SQLITE_LOCKED 6, SQLITE_READONLY 8, SQLITE_IOERR 10, SQLITE_FULL 13, SQLITE_CANTOPEN 14.
        SqliteException s => s.SqliteErrorCode is 5 or 6 or 8 or 10 or 13 or 14,
        SocketException => true,
        TimeoutException => true,
        _ => false,
    };
}
