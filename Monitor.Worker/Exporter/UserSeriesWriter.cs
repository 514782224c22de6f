using System.Buffers;
using System.Globalization;
using Prometheus;

namespace Monitor.Worker.Exporter;

/// <summary>
/// Writes a <see cref="UserSeriesSnapshot"/> as gauge families in the Prometheus text format or OpenMetrics, with
/// the same value formatting as prometheus-net (round-trip "g"; in OpenMetrics 0, 1 and -1 as 0.0, 1.0, -1.0 and
/// a ".0" on integral values), so the scrape is unchanged by who wrote it. No per-series objects: one pass over
/// the columns into a pooled buffer, flushed to the stream in 64 KiB pieces.
/// </summary>
internal static class UserSeriesWriter
{
    private const int ChunkSize = 64 * 1024;

    public static async Task WriteAsync(UserSeriesSnapshot snapshot, Stream output, ExpositionFormat format, CancellationToken ct)
    {
        var openMetrics = format == ExpositionFormat.OpenMetricsText;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize * 2);
        try
        {
            var used = 0;
            foreach (var (family, values) in snapshot.Columns)
            {
                used = await EnsureAsync(output, buffer, used, family.Declaration.Length, ct);
                family.Declaration.CopyTo(buffer, used);
                used += family.Declaration.Length;
                for (var i = 0; i < values.Length; i++)
                {
                    if (family.Sparse && double.IsNaN(values[i])) continue;
                    var (start, end) = (snapshot.Offsets[i], snapshot.Offsets[i + 1]);
                    var line = family.NameBytes.Length + (end - start) + 48;
                    if (line > buffer.Length)
                    {
                        // A label set larger than the buffer (a very long directory value): a buffer of its own.
                        await output.WriteAsync(buffer.AsMemory(0, used), ct);
                        used = 0;
                        var big = new byte[line];
                        var length = WriteLine(big, family, snapshot.Labels.AsSpan(start..end), values[i], openMetrics);
                        await output.WriteAsync(big.AsMemory(0, length), ct);
                        continue;
                    }
                    used = await EnsureAsync(output, buffer, used, line, ct);
                    used += WriteLine(buffer.AsSpan(used), family, snapshot.Labels.AsSpan(start..end), values[i], openMetrics);
                }
            }
            if (used > 0) await output.WriteAsync(buffer.AsMemory(0, used), ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask<int> EnsureAsync(Stream output, byte[] buffer, int used, int needed, CancellationToken ct)
    {
        if (used + needed <= buffer.Length && used < ChunkSize) return used;
        await output.WriteAsync(buffer.AsMemory(0, used), ct);
        return 0;
    }

    private static int WriteLine(Span<byte> to, UserFamily family, ReadOnlySpan<byte> labels, double value, bool openMetrics)
    {
        var n = 0;
        family.NameBytes.CopyTo(to);
        n += family.NameBytes.Length;
        to[n++] = (byte)'{';
        labels.CopyTo(to[n..]);
        n += labels.Length;
        to[n++] = (byte)'}';
        to[n++] = (byte)' ';
        n += WriteValue(to[n..], value, openMetrics);
        to[n++] = (byte)'\n';
        return n;
    }

    internal static int WriteValue(Span<byte> to, double value, bool openMetrics)
    {
        if (openMetrics)
        {
            ReadOnlySpan<byte> special = value switch
            {
                0 => "0.0"u8,
                1 => "1.0"u8,
                -1 => "-1.0"u8,
                double.PositiveInfinity => "+Inf"u8,
                double.NegativeInfinity => "-Inf"u8,
                _ when double.IsNaN(value) => "NaN"u8,
                _ => default,
            };
            if (!special.IsEmpty)
            {
                special.CopyTo(to);
                return special.Length;
            }
        }
        if (!value.TryFormat(to, out var written, "g", CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"Could not format {value}.");
        // OpenMetrics wants a float to look like one; the text format takes "g" as it is.
        if (openMetrics && to[..written].IndexOfAny((byte)'.', (byte)'e') < 0)
        {
            ".0"u8.CopyTo(to[written..]);
            written += 2;
        }
        return written;
    }
}
