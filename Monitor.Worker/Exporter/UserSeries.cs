using System.Buffers;
using System.Text;
using Prometheus;

namespace Monitor.Worker.Exporter;

/// <summary>
/// One per-user gauge family (labels <c>user</c>, <c>department</c>, <c>site</c>). A sparse family has a series only
/// for the users whose value is set (the others are written as <see cref="double.NaN"/> and left out).
/// </summary>
public sealed class UserFamily(string name, string help, bool sparse = false)
{
    public string Name { get; } = name;

    public bool Sparse { get; } = sparse;

    // Both formats declare a gauge the same way: "# HELP name help\n# TYPE name gauge\n".
    internal byte[] Declaration { get; } = Encoding.UTF8.GetBytes($"# HELP {name} {help}\n# TYPE {name} gauge\n");

    internal byte[] NameBytes { get; } = Encoding.UTF8.GetBytes(name);
}

/// <summary>
/// The per-user series as one immutable snapshot: every user's label set encoded once into a single buffer, and a
/// column of values per family. At 100,000 users this is a few megabytes where prometheus-net kept a labelled child
/// object per user and family (700,000 of them, most of the worker's memory: docs/benchmarks.md).
/// </summary>
public sealed class UserSeriesSnapshot
{
    public static readonly UserSeriesSnapshot Empty = new([], [0], []);

    internal UserSeriesSnapshot(byte[] labels, int[] offsets, IReadOnlyList<(UserFamily Family, double[] Values)> columns)
    {
        Labels = labels;
        Offsets = offsets;
        Columns = columns;
    }

    /// <summary><c>user="…",department="…",site="…"</c> of user i is <c>Labels[Offsets[i]..Offsets[i + 1]]</c>.</summary>
    internal byte[] Labels { get; }

    internal int[] Offsets { get; }

    internal IReadOnlyList<(UserFamily Family, double[] Values)> Columns { get; }

    public int Count => Offsets.Length - 1;
}

/// <summary>
/// Builds the next snapshot from a board, in the board's order: the exporter adds its families, then each
/// <see cref="IMetricsContributor"/> may add its own (<see cref="MetricsRefresh.Users"/>), and the snapshot is
/// published whole at the end of the refresh (<see cref="UserSeries.CommitAsync"/>), so a scrape never sees the
/// labels of one refresh with the values of another, nor one family of a refresh without the others.
/// </summary>
public sealed class UserSeriesBuilder
{
    private readonly IReadOnlyList<Storage.BoardRow> _rows;
    private readonly byte[] _labels;
    private readonly int[] _offsets;
    private readonly List<(UserFamily, double[])> _columns = [];

    /// <param name="rows">The users to export; empty in anonymous mode.</param>
    /// <param name="label">The <c>user</c> label of a user id (the id or its pseudonym).</param>
    /// <param name="live">The published series, whose label buffer is shared when this refresh has the same users.</param>
    public UserSeriesBuilder(IReadOnlyList<Storage.BoardRow> rows, Func<string, string> label, UserSeries? live = null)
    {
        _rows = rows;
        // One encoding buffer kept between refreshes (a concurrent builder makes its own): at 100,000 users it is
        // megabytes, and a new one every refresh was large-object-heap churn that raised the worker's peak memory.
        var buffer = Interlocked.Exchange(ref _spare, null) ?? new ArrayBufferWriter<byte>(Math.Max(256, rows.Count * 64));
        buffer.ResetWrittenCount();
        _offsets = new int[rows.Count + 1];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            Append(buffer, "user=\"", label(row.UserId));
            Append(buffer, "\",department=\"", row.Department);
            Append(buffer, "\",site=\"", row.Site);
            Write(buffer, "\"");
            _offsets[i + 1] = buffer.WrittenCount;
        }
        // Most refreshes export the same users as the last: the published label buffer is shared, not copied again.
        if (live?.Current is { } current && buffer.WrittenSpan.SequenceEqual(current.Labels) &&
            _offsets.AsSpan().SequenceEqual(current.Offsets))
        {
            (_labels, _offsets) = (current.Labels, current.Offsets);
        }
        else
        {
            _labels = buffer.WrittenSpan.ToArray();
        }
        Volatile.Write(ref _spare, buffer);
    }

    private static ArrayBufferWriter<byte>? _spare;

    /// <summary>The users of this snapshot, in order; <see cref="Add"/> takes one value per row.</summary>
    public IReadOnlyList<Storage.BoardRow> Rows => _rows;

    /// <summary>Adds a family; <paramref name="value"/> is NaN for a user without a series in a sparse family.</summary>
    public UserSeriesBuilder Add(UserFamily family, Func<Storage.BoardRow, double> value)
    {
        var values = new double[_rows.Count];
        for (var i = 0; i < values.Length; i++) values[i] = value(_rows[i]);
        _columns.Add((family, values));
        return this;
    }

    public UserSeriesSnapshot Build() => new(_labels, _offsets, _columns.ToArray());

    private static void Append(ArrayBufferWriter<byte> buffer, string prefix, string value)
    {
        Write(buffer, prefix);
        // The escaping of the exposition formats (and of prometheus-net): backslash, newline, double quote.
        foreach (var rune in value.EnumerateRunes())
        {
            var escaped = rune.Value switch { '\\' => "\\\\", '\n' => "\\n", '"' => "\\\"", _ => null };
            if (escaped is not null)
            {
                Write(buffer, escaped);
                continue;
            }
            var span = buffer.GetSpan(4);
            buffer.Advance(rune.EncodeToUtf8(span));
        }
    }

    private static void Write(ArrayBufferWriter<byte> buffer, string ascii)
    {
        var span = buffer.GetSpan(ascii.Length);
        buffer.Advance(Encoding.UTF8.GetBytes(ascii, span));
    }
}

/// <summary>
/// Holds the current <see cref="UserSeriesSnapshot"/> and writes it in the exposition format of the scrape
/// (<see cref="MetricsEndpoint"/>), byte for byte as prometheus-net wrote the same gauges. It is also where a refresh
/// and a scrape meet: a refresh publishes its snapshot and sets its prometheus-net gauges in one step
/// (<see cref="CommitAsync"/>), and a scrape reads the snapshot and the registry in one step (<see cref="ReadAsync"/>),
/// so a scrape shows one whole refresh, never part of the next (a torn scrape could show a user down without the
/// acknowledgement that keeps the page quiet).
/// </summary>
public sealed class UserSeries : IDisposable
{
    private volatile UserSeriesSnapshot _current = UserSeriesSnapshot.Empty;

    // Held only for in-memory work: setting gauges, or serialising the registry (not the per-user series) to a buffer.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public UserSeriesSnapshot Current => _current;

    /// <summary>
    /// Ends a refresh: its gauge settings (<see cref="MetricsRefresh.Publish"/>, in the order given) and its snapshot
    /// become visible together. A setting that throws does not keep back the others or the snapshot; the first such
    /// error is thrown afterwards.
    /// </summary>
    public async Task CommitAsync(UserSeriesSnapshot snapshot, IReadOnlyList<Action> settings)
    {
        Exception? failed = null;
        await _gate.WaitAsync();
        try
        {
            foreach (var set in settings)
            {
                try
                {
                    set();
                }
                catch (Exception e)
                {
                    failed ??= e;
                }
            }
            Publish(snapshot);
        }
        finally
        {
            _gate.Release();
        }
        if (failed is not null) throw new InvalidOperationException("A metrics setting failed", failed);
    }

    /// <summary>
    /// What a scrape writes, taken at one moment between two commits: the snapshot, and the registry serialised into
    /// <paramref name="registryText"/> (small: the per-user families, the large part, are the snapshot's).
    /// </summary>
    public async Task<UserSeriesSnapshot> ReadAsync(CollectorRegistry registry, ExpositionFormat format, Stream registryText,
        CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await registry.CollectAndExportAsTextAsync(registryText, format, ct);
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Replaces the snapshot. A family the new one lacks but the current one has (not added yet in this refresh, or
    /// its contributor failed) keeps its current values while the users are the same, as a labelled gauge kept its
    /// last value; when users joined or left, it is absent until it is added again.
    /// </summary>
    public void Publish(UserSeriesSnapshot snapshot)
    {
        var current = _current;
        var missing = current.Columns.Where(c => snapshot.Columns.All(n => n.Family != c.Family)).ToList();
        if (missing.Count > 0 && snapshot.Offsets.AsSpan().SequenceEqual(current.Offsets) &&
            snapshot.Labels.AsSpan().SequenceEqual(current.Labels))
        {
            snapshot = new UserSeriesSnapshot(snapshot.Labels, snapshot.Offsets, [.. snapshot.Columns, .. missing]);
        }
        _current = snapshot;
    }

    public Task WriteAsync(Stream output, ExpositionFormat format, CancellationToken ct) =>
        UserSeriesWriter.WriteAsync(_current, output, format, ct);

    public void Dispose() => _gate.Dispose();
}
