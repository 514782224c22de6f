using Monitor.Core.Ports;

namespace Monitor.Probes.Pulse;

/// <summary>
/// The pulse probe: closes expired pulses (a weak <c>pulse_no_answer</c> each), then puts a pulse in the
/// outbox for every person who is due. The outbox sender delivers them through their channel.
/// </summary>
public sealed class PulseProbe(PulseService service) : IProbe
{
    public const string ProbeName = "pulse";

    public string Name => ProbeName;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        var expired = await service.CloseExpiredAsync(cancellationToken);
        var created = await service.TryDispatchAsync(cancellationToken);
        return ProbeResult.Ok(created is null
            ? $"another dispatch is running, {expired} expired unanswered"
            : $"{created} pulses queued, {expired} expired unanswered");
    }
}
