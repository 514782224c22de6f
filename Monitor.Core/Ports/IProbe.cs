namespace Monitor.Core.Ports;

/// <summary>
/// One kind of satisfaction probe. A probe collects signals and hands them to an <see cref="ISignalSink"/>;
/// success and duration are measured by the dispatcher that runs it, not by the probe.
/// </summary>
public interface IProbe
{
    /// <summary>The probe's name, as in the <c>probe</c> label: <c>pulse</c>, <c>tickets_jira</c>, ….</summary>
    string Name { get; }

    Task<ProbeResult> RunAsync(CancellationToken cancellationToken);
}

/// <param name="Success">False when the probe could not do its work (unreachable system, bad credentials).</param>
/// <param name="Message">What went wrong, or a short summary of what was done.</param>
public sealed record ProbeResult(bool Success, string? Message = null)
{
    public static ProbeResult Ok(string? message = null) => new(true, message);

    public static ProbeResult Failed(string message) => new(false, message);
}
