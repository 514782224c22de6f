namespace Monitor.Core.Groups;

/// <summary>
/// How large a crowd must be before a figure about it may be published, from <c>Privacy:MinGroupSize</c> and
/// <c>Privacy:MinCommentGroupSize</c> (the worker validates them; this type only refuses the impossible).
/// </summary>
/// <param name="MinGroupSize">
/// A group's figures are published only with at least this many distinct people behind them, and a published
/// figure moves only when at least this many people changed since its last value.
/// </param>
/// <param name="MinCommentGroupSize">Free-text comments are shown in a group view only above this many people.</param>
/// <param name="ScoreStep">Published means are rounded to a multiple of this step.</param>
public sealed record PrivacyThresholds(int MinGroupSize = 5, int MinCommentGroupSize = 10, double ScoreStep = 0.05)
{
    public const string Section = "Privacy";

    /// <summary>Every problem, each naming its full configuration key.</summary>
    public IEnumerable<string> Validate()
    {
        const string s = Section;
        if (MinGroupSize < 1)
            yield return $"{s}:{nameof(MinGroupSize)} must be at least 1 (got {MinGroupSize}).";
        if (MinCommentGroupSize < 1)
            yield return $"{s}:{nameof(MinCommentGroupSize)} must be at least 1 (got {MinCommentGroupSize}).";
        if (double.IsNaN(ScoreStep) || ScoreStep is <= 0 or > 1)
            yield return $"{s}:{nameof(ScoreStep)} must be above 0 and at most 1 (got {ScoreStep}).";
    }
}
