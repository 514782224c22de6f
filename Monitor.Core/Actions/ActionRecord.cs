namespace Monitor.Core.Actions;

/// <summary>
/// What IT changed because of feedback ("you said, we did"): written by a person, linked to the signals that
/// asked for it, shipped once, optionally told to the people whose feedback it answers.
/// </summary>
/// <param name="Notify">Whether shipping told the people whose feedback it answers.</param>
public sealed record ActionRecord(
    Guid Id,
    string Title,
    string Description,
    string Owner,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ShippedAt = null,
    string? ShippedBy = null,
    bool Notify = false)
{
    public const int MaxTitle = 200;
    public const int MaxDescription = 2000;
    public const int MaxOwner = 200;

    /// <summary>How many signals one request may link: links are picked by a person, one page at a time.</summary>
    public const int MaxLinksPerRequest = 200;

    public bool Shipped => ShippedAt is not null;

    /// <summary>Every problem of what a person typed, each naming its field; empty when it is fine.</summary>
    public static IReadOnlyList<string> Validate(string? title, string? description, string? owner)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(title)) problems.Add("title is required.");
        else if (title.Trim().Length > MaxTitle) problems.Add($"title is longer than {MaxTitle} characters.");
        if (string.IsNullOrWhiteSpace(description)) problems.Add("description is required: what was done.");
        else if (description.Trim().Length > MaxDescription) problems.Add($"description is longer than {MaxDescription} characters.");
        if (owner is { Length: > MaxOwner }) problems.Add($"owner is longer than {MaxOwner} characters.");
        return problems;
    }
}

/// <summary>Why a pulse was created for an action (the pulses' <c>reason</c> column).</summary>
public static class ActionPulseReasons
{
    public const string FollowUp = "action_follow_up";
}
