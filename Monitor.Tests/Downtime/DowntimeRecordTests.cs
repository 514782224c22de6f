using Monitor.Core.Downtime;

namespace Monitor.Tests.Downtime;

/// <summary>When a downtime covers someone: one-off, weekly in a time zone (across midnight and clock changes), and its checks.</summary>
public sealed class DowntimeRecordTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero); // a Monday

    private static DowntimeRecord Record(DateTimeOffset from, DateTimeOffset until, WeeklyRecurrence? r = null,
        string? groupType = null) =>
        new(Guid.NewGuid(), groupType is null ? ["a"] : [], groupType, groupType is null ? null : "Finance", from, until, r, "leave",
            "alice", from);

    private static WeeklyRecurrence Weekly(string day, string start, string end, string zone = "Europe/Paris")
    {
        var (r, problems) = WeeklyRecurrence.Parse([day], start, end, zone);
        Assert.That(problems, Is.Empty);
        return r!;
    }

    [Test]
    public void A_one_off_downtime_covers_from_its_start_up_to_not_including_its_end()
    {
        var d = Record(T0, T0.AddDays(2));
        Assert.That(d.Covers(T0.AddTicks(-1)), Is.False);
        Assert.That(d.Covers(T0), Is.True);
        Assert.That(d.Covers(T0.AddDays(2).AddTicks(-1)), Is.True);
        Assert.That(d.Covers(T0.AddDays(2)), Is.False, "it ends by itself");
        Assert.That(d.Occurrences(T0.AddDays(-5), T0.AddDays(1)), Is.EqualTo(new[] { (T0, T0.AddDays(1)) }), "clipped to the window");
    }

    [Test]
    public void A_weekly_window_past_midnight_runs_into_the_next_day_in_its_time_zone()
    {
        // Saturday 22:00 to Sunday 06:00 Paris time (UTC+1 in winter), for three weeks.
        var d = Record(T0, T0.AddDays(21), Weekly("sat", "22:00", "06:00"));
        var spans = d.Occurrences(T0, T0.AddDays(21)).ToList();
        Assert.That(spans, Has.Count.EqualTo(3));
        Assert.That(spans[0], Is.EqualTo((new DateTimeOffset(2026, 11, 28, 21, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero))));
        Assert.That(d.Covers(new DateTimeOffset(2026, 11, 29, 4, 59, 0, TimeSpan.Zero)), Is.True, "Sunday 05:59 in Paris");
        Assert.That(d.Covers(new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero)), Is.False, "Sunday 06:00 in Paris");
        Assert.That(d.Covers(new DateTimeOffset(2026, 11, 28, 20, 59, 0, TimeSpan.Zero)), Is.False, "Saturday 21:59 in Paris");
        Assert.That(d.Occurrences(new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero), T0.AddDays(7)).First().From,
            Is.EqualTo(new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero)), "an occurrence open at the window's start counts");
    }

    [Test]
    public void A_weekly_window_keeps_its_local_hours_across_a_clock_change()
    {
        // Paris moves to summer time on Sunday 29 March 2026: Monday 09:00 is 08:00 UTC before, 07:00 UTC after.
        var from = new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero);
        var d = Record(from, from.AddDays(14), Weekly("monday", "09:00", "10:00"));
        Assert.That(d.Occurrences(from, from.AddDays(14)).Select(o => o.From.UtcDateTime.Hour), Is.EqualTo(new[] { 8, 7 }));
    }

    [Test]
    public void Recurrence_and_request_problems_name_their_fields_all_at_once()
    {
        var (r, problems) = WeeklyRecurrence.Parse(["funday"], "25:00", "6", "Mars/Olympus");
        Assert.That(r, Is.Null);
        Assert.That(problems, Has.Some.Contains("recurrence.days").And.Some.Contains("recurrence.start")
            .And.Some.Contains("recurrence.end").And.Some.Contains("recurrence.timeZone"));

        var request = DowntimeRecord.Validate(2, "floor", "3", T0, null, " ", new string('x', 300), T0, TimeSpan.FromDays(30));
        Assert.That(request, Has.Some.Contains("not both").And.Some.Contains("group_type must be one of")
            .And.Some.Contains("until is required").And.Some.Contains("reason is required").And.Some.Contains("author"));
        Assert.That(DowntimeRecord.Validate(1, null, null, T0, T0.AddDays(31), "leave", null, T0, TimeSpan.FromDays(30)),
            Has.One.Contains("Downtime:MaxLength"));
        Assert.That(DowntimeRecord.Validate(1, null, null, T0.AddDays(-3), T0.AddDays(-1), "leave", null, T0, TimeSpan.FromDays(30)),
            Has.One.Contains("in the past"));
        Assert.That(DowntimeRecord.Validate(1, null, null, null, T0.AddDays(1), "leave", null, T0, TimeSpan.FromDays(30)), Is.Empty);
    }

    [Test]
    public void Only_a_long_one_off_absence_of_named_people_is_long_leave()
    {
        var month = TimeSpan.FromDays(28);
        Assert.That(Record(T0, T0.AddDays(90)).IsLongLeave(month), Is.True);
        Assert.That(Record(T0, T0.AddDays(5)).IsLongLeave(month), Is.False, "a week off");
        Assert.That(Record(T0, T0.AddDays(90), groupType: "site").IsLongLeave(month), Is.False, "a change window");
        Assert.That(Record(T0, T0.AddDays(90), Weekly("fri", "12:00", "18:00")).IsLongLeave(month), Is.False, "part time");
    }
}
