using System.Text;

namespace Monitor.Worker.Pulse;

/// <summary>
/// One <see cref="StringBuilder"/> per thread for rendering a pulse (its plain text, its HTML, then the MIME text), each
/// turned into its string before the next starts: a builder per part per pulse was most of what rendering allocated in the
/// send loops (docs/benchmarks.md, ninth round). One that grew past 256 kB for an odd message is not kept.
/// </summary>
internal static class RenderBuilder
{
    private const int MaxKept = 256 * 1024;

    [ThreadStatic] private static StringBuilder? _builder;

    /// <summary>This thread's builder, empty.</summary>
    public static StringBuilder Take() => (_builder is { Capacity: <= MaxKept } kept ? kept : _builder = new StringBuilder(16 * 1024)).Clear();
}
