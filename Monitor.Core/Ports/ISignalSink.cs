using Monitor.Core.Signals;

namespace Monitor.Core.Ports;

/// <summary>Where probes and the admin API put signals. Writing the same (user, kind, source) twice stores one.</summary>
public interface ISignalSink
{
    Task<SignalWriteResult> WriteAsync(IReadOnlyList<Signal> signals, CancellationToken cancellationToken);
}

/// <param name="Stored">Signals that were new.</param>
/// <param name="Duplicates">Signals already stored under the same user, kind and source.</param>
public sealed record SignalWriteResult(int Stored, int Duplicates);
