using Monitor.Core.Evaluation;

namespace Monitor.Core.Groups;

/// <summary>One person as the group figures see them: who (to notice change), where, and their state and score.</summary>
public readonly record struct Respondent(string Id, string Department, string Site, SatisfactionState State, double? Score);

/// <summary>The group figures that may be published now, and the people and values they describe.</summary>
/// <param name="Groups">
/// Every group with a published figure. <see cref="GroupSummary.Users"/> is empty where the counts are withheld,
/// <see cref="GroupSummary.Score"/> null where the mean is withheld.
/// </param>
/// <param name="CountBasis">The people the published counts describe, each with the state counted.</param>
/// <param name="ScoreBasis">The people the published means describe, each with the score counted.</param>
public sealed record GroupPublication(
    IReadOnlyList<GroupSummary> Groups,
    IReadOnlyList<Respondent> CountBasis,
    IReadOnlyList<Respondent> ScoreBasis);

/// <summary>
/// Turns the live department and site figures into figures that can be published refresh after refresh
/// without anyone's answer or state being worked out from them (docs/privacy.md, "Group figures").
/// </summary>
/// <remarks>
/// <para>Differencing is the threat: a mean read before and after one person's answer, times the group size,
/// gives that answer; a department read next to its sites, or the sites next to all departments, gives a small
/// cell. So every kind of figure (counts per state, mean score) is published from a <em>release</em>, a
/// snapshot of people's values, and:</para>
/// <list type="bullet">
/// <item>A group is published only with at least <see cref="PrivacyThresholds.MinGroupSize"/> people (for
/// means: people with a score), and only while no sum or difference of published groups isolates fewer people
/// (complementary suppression: the smallest such group is withheld too).</item>
/// <item>A new release takes someone's change only if every sum or difference of groups, compared between
/// the releases, moves by the changes of at least the threshold of people; other changes wait (delay).
/// So one person's answer never moves a published figure on its own, however the figures are combined.</item>
/// <item>Counts per state get the same treatment as means rather than buckets: a count of 3 → 4 red with a
/// group of 5 would name the person, and buckets coarse enough to hide that would hide the alerts' signal too.
/// A count moves only with the changes of at least the threshold of people, so "who turned red" is one
/// of at least that many.</item>
/// <item>Means are rounded to <see cref="PrivacyThresholds.ScoreStep"/>: a second layer; the guarantees
/// above hold for exact means.</item>
/// <item>The two rules above are how the next release is chosen; the final gate is an audit of the release together
/// with everything published before (<see cref="DisclosureAudit"/>): if any combination would single out one
/// person's score or state, nothing new goes out.</item>
/// <item>A threshold of one asks for no protection and publishes the live figures, rounded, at every refresh.</item>
/// </list>
/// <para>Not covered: a group where everyone is in the same state (a count "5 of 5 red" says it of each), and
/// the comment threshold, which the comment views apply.</para>
/// </remarks>
public sealed class GroupDisclosure
{
    private static readonly SatisfactionState[] States = Enum.GetValues<SatisfactionState>();

    private readonly PrivacyThresholds _thresholds;
    private readonly DisclosureLayer _counts;
    private readonly DisclosureLayer _scores;

    public GroupDisclosure(PrivacyThresholds thresholds)
    {
        var problems = thresholds.Validate().ToList();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(thresholds));
        _thresholds = thresholds;
        _counts = new DisclosureLayer(thresholds.MinGroupSize);
        _scores = new DisclosureLayer(thresholds.MinGroupSize);
    }

    /// <summary>Takes the live people (one entry per id) and answers with what may be published now.</summary>
    public GroupPublication Publish(IEnumerable<Respondent> people)
    {
        var counts = new Dictionary<string, Fact>(StringComparer.Ordinal);
        var scores = new Dictionary<string, Fact>(StringComparer.Ordinal);
        foreach (var p in people)
        {
            counts[p.Id] = new Fact(p.Department, p.Site, (int)p.State);
            if (p.Score is { } s) scores[p.Id] = new Fact(p.Department, p.Site, s);
            else scores.Remove(p.Id);
        }
        _counts.Advance(counts);
        _scores.Advance(scores);

        // One pass over the released people per kind, rather than one per group.
        var tallies = Tally(_counts, (into, f) => into[(int)f.Value]++, States.Length);
        var sums = Tally(_scores, (into, f) => { into[0] += f.Value; into[1]++; }, 2);
        var groups = new List<GroupSummary>();
        foreach (var key in _counts.Published.Union(_scores.Published)
                     .OrderBy(k => k.GroupType, StringComparer.Ordinal).ThenBy(k => k.Group, StringComparer.Ordinal))
        {
            var users = _counts.Published.Contains(key)
                ? States.ToDictionary(s => s, s => (int)tallies[key][(int)s])
                : new Dictionary<SatisfactionState, int>();
            groups.Add(new GroupSummary(key.GroupType, key.Group, users,
                _scores.Published.Contains(key) ? Round(sums[key][0] / sums[key][1]) : null));
        }
        return new GroupPublication(groups,
            [.. _counts.Released.Select(kv => new Respondent(kv.Key, kv.Value.Department, kv.Value.Site, State(kv.Value), null))],
            [.. _scores.Released.Select(kv => new Respondent(kv.Key, kv.Value.Department, kv.Value.Site, default, kv.Value.Value))]);
    }

    private static SatisfactionState State(Fact f) => (SatisfactionState)(int)f.Value;

    /// <summary>Per published group of the layer, what <paramref name="add"/> accumulates over its released people.</summary>
    private static Dictionary<GroupKey, double[]> Tally(DisclosureLayer layer, Action<double[], Fact> add, int width)
    {
        var into = layer.Published.ToDictionary(k => k, _ => new double[width]);
        foreach (var f in layer.Released.Values)
        {
            if (into.TryGetValue(DisclosureLayer.Dept(f.Department), out var d)) add(d, f);
            if (into.TryGetValue(DisclosureLayer.Site(f.Site), out var s)) add(s, f);
        }
        return into;
    }

    private double Round(double mean)
    {
        var step = _thresholds.ScoreStep;
        return Math.Round(Math.Round(mean / step, MidpointRounding.AwayFromZero) * step, 10);
    }
}
