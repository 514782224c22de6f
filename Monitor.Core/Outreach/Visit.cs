namespace Monitor.Core.Outreach;

/// <summary>How IT met the person: the values of <c>kind</c> (and of the <c>kind</c> label of visit metrics).</summary>
public static class VisitKinds
{
    public const string InPerson = "in_person";
    public const string Call = "call";
    public const string Chat = "chat";
    public const string Lunch = "lunch";

    public static IReadOnlyList<string> All { get; } = [InPerson, Call, Chat, Lunch];

    public static bool IsValid(string? kind) => kind is not null && All.Contains(kind);
}

/// <summary>How the person felt: the scores of the pulse's five faces (very unhappy -1 … very happy +1).</summary>
public static class Feelings
{
    public static IReadOnlyList<double> All { get; } = [-1.0, -0.5, 0.0, 0.5, 1.0];

    // Exact comparison is right: only the five values a form or a machine can send are accepted.
    public static bool IsValid(double feeling) => All.Contains(feeling);
}

/// <summary>
/// One conversation between IT and a user: a check, like a probe's. <see cref="Feeling"/> is null when the
/// visitor did not ask (a lunch attendee), and then no touchpoint signal is written.
/// </summary>
public sealed record Visit(
    Guid Id,
    string UserId,
    string Kind,
    double? Feeling,
    string By,
    DateTimeOffset At,
    string? Notes,
    DateOnly? FollowUpOn,
    Guid? LunchId = null);

/// <summary>A visit as typed into a form or sent by a machine, before it is checked.</summary>
public sealed record VisitRequest(string? Kind, double? Feeling, string? By, DateTimeOffset? At, string? Notes, DateOnly? FollowUpOn)
{
    public const int MaxNotes = 4000;
    public const int MaxBy = 200;

    /// <summary>Every problem, each naming its field; empty when the visit can be recorded.</summary>
    public IReadOnlyList<string> Validate(DateTimeOffset now)
    {
        var problems = new List<string>();
        if (!VisitKinds.IsValid(Kind)) problems.Add($"kind must be one of {string.Join(", ", VisitKinds.All)}.");
        if (Feeling is { } f && !Feelings.IsValid(f)) problems.Add("feeling must be one of -1, -0.5, 0, 0.5, 1 (the five faces).");
        if (string.IsNullOrWhiteSpace(By)) problems.Add("by is required: who from IT talked to the person.");
        else if (By.Trim().Length > MaxBy) problems.Add($"by is longer than {MaxBy} characters.");
        if (At is { } at && at > now.AddMinutes(5)) problems.Add("at is in the future.");
        if (Notes is { Length: > MaxNotes }) problems.Add($"notes are longer than {MaxNotes} characters.");
        var day = DateOnly.FromDateTime((At ?? now).UtcDateTime);
        if (FollowUpOn is { } due && due < day) problems.Add("followUpOn is before the visit.");
        if (FollowUpOn is { } far && far > day.AddYears(2)) problems.Add("followUpOn is more than two years away.");
        return problems;
    }

    public Visit ToVisit(Guid id, string userId, DateTimeOffset now, Guid? lunchId = null) =>
        new(id, userId, Kind!, Feeling, By!.Trim(), At ?? now, string.IsNullOrWhiteSpace(Notes) ? null : Notes.Trim(), FollowUpOn, lunchId);
}
