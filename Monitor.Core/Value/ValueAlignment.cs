using Monitor.Core.Users;

namespace Monitor.Core.Value;

/// <summary>One answer to a question of the <c>value</c> set, with the answerer's current rank and department.</summary>
public readonly record struct ValueAnswer(string UserId, Rank Rank, string Department, string Dimension, double Score,
    DateTimeOffset ObservedAt);

/// <summary>A published mean: the answers of at least the threshold of distinct respondents.</summary>
/// <param name="Respondents">How many people it is computed from; never exported, kept for tests and the residual rule.</param>
public sealed record ValueScore(string GroupType, string Group, string Dimension, string Rank, double Mean, int Respondents);

/// <summary>Management's mean minus individual contributors', where both sides are published.</summary>
public sealed record RankGap(string GroupType, string Group, string Dimension, double Gap);

/// <summary>Everything that may be exported from one window of value answers.</summary>
public sealed record ValueReport(IReadOnlyList<ValueScore> Scores, IReadOnlyList<RankGap> Gaps);

/// <summary>
/// The value question set measured across ranks: per group (overall and each department), rank and dimension the mean
/// answer, and the rank gap. A figure is published only when it is computed from at least the anonymity threshold of
/// distinct people and cannot be differenced down to fewer (see <see cref="ValueSuppression"/> and docs/value.md).
/// </summary>
public static class ValueAlignment
{
    public const string Overall = "overall";
    public const string OverallGroup = "all";
    public const string Department = "department";

    public const string IndividualContributor = "individual_contributor";
    public const string ManagerRank = "manager";
    public const string ExecutiveRank = "executive";
    public const string Management = "management";

    /// <summary>The dimensions, in the order of the value set's questions.</summary>
    public static readonly IReadOnlyList<string> Dimensions = ["you", "team", "business"];

    public static readonly IReadOnlyList<string> Ranks = [IndividualContributor, ManagerRank, ExecutiveRank, Management];

    /// <summary>The dimension of the question at <paramref name="questionIndex"/> (0-based); null past the third.</summary>
    public static string? DimensionOf(int questionIndex) =>
        questionIndex >= 0 && questionIndex < Dimensions.Count ? Dimensions[questionIndex] : null;

    public static string RankLabel(Rank rank) => rank switch
    {
        Rank.Manager => ManagerRank,
        Rank.Executive => ExecutiveRank,
        _ => IndividualContributor,
    };

    /// <summary>
    /// Computes the report from the answers observed in (<paramref name="now"/> − <paramref name="window"/>,
    /// <paramref name="now"/>]: each person's latest answer per dimension counts once.
    /// </summary>
    public static ValueReport Compute(IEnumerable<ValueAnswer> answers, DateTimeOffset now, TimeSpan window, int threshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        var from = now - window;
        var latest = answers
            .Where(a => a.ObservedAt > from && a.ObservedAt <= now && Dimensions.Contains(a.Dimension))
            .GroupBy(a => (a.UserId, a.Dimension))
            .Select(g => g.OrderByDescending(a => a.ObservedAt).ThenByDescending(a => a.Score).First())
            .ToList();
        var scores = new List<ValueScore>();
        var gaps = new List<RankGap>();
        foreach (var dimension in Dimensions)
        {
            var cells = ValueSuppression.Publish(latest.Where(a => a.Dimension == dimension), threshold);
            foreach (var c in cells)
                scores.Add(new ValueScore(c.GroupType, c.Group, dimension, c.Rank, c.Mean, c.Respondents));
            foreach (var g in cells.GroupBy(c => (c.GroupType, c.Group)))
            {
                var management = g.FirstOrDefault(c => c.Rank == Management);
                var ic = g.FirstOrDefault(c => c.Rank == IndividualContributor);
                if (management is not null && ic is not null)
                    gaps.Add(new RankGap(g.Key.GroupType, g.Key.Group, dimension, management.Mean - ic.Mean));
            }
        }
        return new ValueReport(
            scores.OrderBy(s => s.GroupType, StringComparer.Ordinal).ThenBy(s => s.Group, StringComparer.Ordinal)
                .ThenBy(s => s.Dimension, StringComparer.Ordinal).ThenBy(s => s.Rank, StringComparer.Ordinal).ToList(),
            gaps.OrderBy(s => s.GroupType, StringComparer.Ordinal).ThenBy(s => s.Group, StringComparer.Ordinal)
                .ThenBy(s => s.Dimension, StringComparer.Ordinal).ToList());
    }
}
