using Microsoft.Extensions.Options;

namespace Monitor.Worker.Actions;

/// <summary>
/// "You said, we did": when the follow-up pulse goes out and when feedback counts as unanswered. Bound from <c>Actions</c>.
/// </summary>
public sealed class ActionsOptions
{
    public const string Section = "Actions";

    /// <summary>How long after an action ships the people told about it get a pulse asking whether it helped.</summary>
    public TimeSpan FollowUpAfter { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often the follow-up job looks for follow-ups that are due.</summary>
    public TimeSpan FollowUpInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Negative feedback with a comment older than this and linked to no action is "feedback without action".</summary>
    public TimeSpan FeedbackWithoutActionAfter { get; set; } = TimeSpan.FromDays(60);
}

internal sealed class ActionsOptionsValidator : IValidateOptions<ActionsOptions>
{
    public ValidateOptionsResult Validate(string? name, ActionsOptions o)
    {
        const string s = ActionsOptions.Section;
        var failures = new List<string>();
        // Upper bounds keep the dates computed from them (now minus the age, the next run) dates.
        if (o.FollowUpAfter <= TimeSpan.Zero || o.FollowUpAfter > TimeSpan.FromDays(3650))
            failures.Add($"{s}:{nameof(o.FollowUpAfter)} must be positive and at most 3650.00:00:00 (got {o.FollowUpAfter}).");
        if (o.FollowUpInterval < TimeSpan.FromSeconds(1) || o.FollowUpInterval > TimeSpan.FromDays(1))
            failures.Add($"{s}:{nameof(o.FollowUpInterval)} must be between one second and 1.00:00:00 (got {o.FollowUpInterval}).");
        if (o.FeedbackWithoutActionAfter <= TimeSpan.Zero || o.FeedbackWithoutActionAfter > TimeSpan.FromDays(3650))
            failures.Add($"{s}:{nameof(o.FeedbackWithoutActionAfter)} must be positive and at most 3650.00:00:00 " +
                         $"(got {o.FeedbackWithoutActionAfter}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
