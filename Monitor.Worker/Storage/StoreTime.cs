using System.Data;
using System.Globalization;
using Dapper;

namespace Monitor.Worker.Storage;

/// <summary>Times in the store are Unix milliseconds (BIGINT on both stores).</summary>
internal static class StoreTime
{
    public static long ToMs(this DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    public static long? ToMs(this DateTimeOffset? t) => t?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? FromMs(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    /// <summary>A value as the store keeps it: times become Unix milliseconds.</summary>
    public static object? ToStore(object? value) => value is DateTimeOffset t ? t.ToUnixTimeMilliseconds() : value;
}

/// <summary>
/// Lets Dapper bind <see cref="DateTimeOffset"/> (and <c>DateTimeOffset?</c>) parameters as BIGINT Unix
/// milliseconds and read BIGINT columns back into such properties and constructor parameters, so that
/// repositories map straight to their records instead of row classes with <c>long</c> fields.
/// </summary>
internal sealed class UnixMillisecondsHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    private static readonly object Gate = new();
    private static bool _registered;

    /// <summary>Registers the handler once per process; Dapper's handlers are global.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            // Dapper's built-in map (DateTimeOffset -> DbType.DateTimeOffset) wins over a handler for
            // parameters: without removing it, Npgsql would send timestamptz to a BIGINT column.
            SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
            SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
            SqlMapper.AddTypeHandler(new UnixMillisecondsHandler());
            _registered = true;
        }
    }

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        parameter.DbType = DbType.Int64;
        parameter.Value = value.ToUnixTimeMilliseconds();
    }

    // Both stores return BIGINT as long; aggregates may come back as another number type (PostgreSQL's
    // SUM is numeric).
    public override DateTimeOffset Parse(object value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value as long? ?? Convert.ToInt64(value, CultureInfo.InvariantCulture));
}
