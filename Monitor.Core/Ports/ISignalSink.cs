using Monitor.Core.Signals;

namespace Monitor.Core.Ports;

/// <summary>Where probes and the admin API put signals. Writing the same (user, kind, source) twice stores one.</summary>
public interface ISignalSink
{
    Task<SignalWriteResult> WriteAsync(IReadOnlyList<Signal> signals, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a signal that replaces an earlier one with the same (user, kind, source): a person changing
    /// their own answer. Returns true when something was written.
    /// </summary>
    Task<bool> ReplaceAsync(Signal signal, CancellationToken cancellationToken);
}

/// <param name="Stored">Signals that were new.</param>
/// <param name="Duplicates">Signals already stored under the same user, kind and source.</param>
public sealed record SignalWriteResult(int Stored, int Duplicates);
