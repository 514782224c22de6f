using Monitor.Core.Evaluation;
using Monitor.Core.Users;

namespace Monitor.Core.Outreach;

/// <summary>Why someone is on "who to visit this week", most urgent first.</summary>
public enum OutreachReason
{
    Red,
    Amber,
    FollowUpDue,
    Welcome,
    NoContact,
}

/// <summary>What the rules know about one user.</summary>
/// <param name="UnhappySince">When the current amber/red spell began (the latest move from green or unknown).</param>
/// <param name="LastVisit">The newest visit, with the follow-up date it set, if any.</param>
/// <param name="LastTicketAt">The newest ticket signal: the stand-in for "a ticket is open".</param>
public sealed record OutreachFacts(User User, SatisfactionState State, DateTimeOffset? UnhappySince, LastVisit? LastVisit,
    DateTimeOffset? LastTicketAt);

public sealed record LastVisit(DateTimeOffset At, DateOnly? FollowUpOn);

/// <param name="Since">The date the reason refers to: red since, due on, joined on, last contact (null: never).</param>
/// <param name="Explanation">The line's reason in words, for the console, the CSV and the digest.</param>
public sealed record OutreachLine(User User, OutreachReason Reason, DateOnly? Since, string Explanation);

/// <param name="TicketWindow">A ticket signal this recent counts as a ticket open: IT is already talking to the person.</param>
/// <param name="FollowUpHorizon">Follow-ups due within this many days from today are on this week's list.</param>
public sealed record OutreachRules(int NoContactDays = 90, int WelcomeWeeks = 4, int TicketWindowDays = 14, int FollowUpHorizon = 7);

/// <summary>The "who to visit this week" list: a pure function of the facts, one line per person, one reason each.</summary>
public static class WhoToVisit
{
    public static IReadOnlyList<OutreachLine> Compute(IEnumerable<OutreachFacts> facts, DateTimeOffset now, OutreachRules rules)
    {
        var lines = new List<OutreachLine>();
        foreach (var f in facts)
        {
            if (!f.User.Active) continue;
            if (LineFor(f, now, rules) is { } line) lines.Add(line);
        }
        return lines
            .OrderBy(l => l.Reason)
            .ThenBy(l => l.Since ?? DateOnly.MinValue)
            .ThenBy(l => l.User.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The most urgent reason to visit this person, or null.</summary>
    public static OutreachLine? LineFor(OutreachFacts f, DateTimeOffset now, OutreachRules rules)
    {
        var today = Day(now);
        var lastVisit = f.LastVisit?.At;
        if (f.State is SatisfactionState.Down or SatisfactionState.Degraded && f.UnhappySince is { } since &&
            (lastVisit is null || lastVisit < since))
        {
            var red = f.State == SatisfactionState.Down;
            return new OutreachLine(f.User, red ? OutreachReason.Red : OutreachReason.Amber, Day(since),
                $"{(red ? "red" : "amber")} since {Day(since):yyyy-MM-dd}, no visit since");
        }
        if (f.LastVisit?.FollowUpOn is { } due && due <= today.AddDays(rules.FollowUpHorizon - 1))
        {
            return new OutreachLine(f.User, OutreachReason.FollowUpDue, due,
                $"follow-up due {due:yyyy-MM-dd} (visit of {Day(f.LastVisit.At):yyyy-MM-dd})");
        }
        if (f.User.Joined is { } joined && joined <= today && today < joined.AddDays(7 * rules.WelcomeWeeks) &&
            (lastVisit is null || Day(lastVisit.Value) < joined))
        {
            return new OutreachLine(f.User, OutreachReason.Welcome, joined, $"joined {joined:yyyy-MM-dd}: welcome visit");
        }
        var ticketOpen = f.LastTicketAt is { } t && t > now.AddDays(-rules.TicketWindowDays);
        if (!ticketOpen && (lastVisit is null || lastVisit < now.AddDays(-rules.NoContactDays)))
        {
            return new OutreachLine(f.User, OutreachReason.NoContact, lastVisit is { } v ? Day(v) : null,
                lastVisit is { } l
                    ? $"no contact since {Day(l):yyyy-MM-dd} (over {rules.NoContactDays} days), no ticket open"
                    : $"never contacted by IT, no ticket open");
        }
        return null;
    }

    private static DateOnly Day(DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime);
}
