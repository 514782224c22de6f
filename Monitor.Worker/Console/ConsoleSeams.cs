namespace Monitor.Worker.StaffConsole;

/// <summary>
/// A line of the console header that answers one of the seed's questions ("last visit without a ticket",
/// "last change made because of feedback"): each feature registers its own with
/// <c>services.AddSingleton&lt;IHeadlineSource, T&gt;()</c>; the header says what is not recorded yet.
/// </summary>
public interface IHeadlineSource
{
    /// <summary>Where the lines go in the header, smaller first.</summary>
    int Order { get; }

    /// <summary>Plain-text (label, value) pairs; the page encodes them.</summary>
    Task<IReadOnlyList<Headline>> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>One answer of the console header, e.g. ("Last visit without a ticket", "2 days ago, 5 this month").</summary>
public sealed record Headline(string Label, string Value);

/// <summary>
/// Which users need a visit now (the visits feature decides). Without a registered implementation the people
/// list has no "needs a visit" filter.
/// </summary>
public interface INeedsVisit
{
    Task<IReadOnlySet<string>> UserIdsAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The labels of the seed's questions, for the features that answer them (the header shows a default until then).</summary>
public static class HeadlineLabels
{
    public const string LastVisit = "Last visit without a ticket";
    public const string LastChange = "Last change made because of feedback";
}
