namespace Monitor.Core.Signals;

/// <summary>The signal kinds the probes emit. Other kinds are allowed (e.g. from webhooks) if well formed.</summary>
public static class SignalKinds
{
    public const string PulseAnswer = "pulse_answer";
    public const string PulseNoAnswer = "pulse_no_answer";
    public const string TicketSentiment = "ticket_sentiment";
    public const string TicketCsat = "ticket_csat";
    public const string TicketReopened = "ticket_reopened";
    public const string TicketSlaBreached = "ticket_sla_breached";
    public const string Touchpoint = "touchpoint";

    /// <summary>Every kind the probes emit: the known values of the <c>kind</c> label.</summary>
    public static IReadOnlyList<string> All { get; } =
        [PulseAnswer, PulseNoAnswer, TicketSentiment, TicketCsat, TicketReopened, TicketSlaBreached, Touchpoint];

    /// <summary>
    /// A pulse nobody answered says nothing about whether the user is still there: it never keeps a
    /// user out of <c>unknown</c>.
    /// </summary>
    public static bool ShowsPresence(string kind) => kind != PulseNoAnswer;

    public static bool IsValid(string? kind) =>
        !string.IsNullOrEmpty(kind) && kind.Length <= 40 &&
        kind.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') && char.IsAsciiLetterLower(kind[0]);
}
