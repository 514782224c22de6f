using Monitor.Core.Evaluation;
using Monitor.Core.Groups;

namespace Monitor.Tests.Core;

/// <summary>
/// A random directory (departments, sites, people with states and scores) and a random sequence of what
/// happens to it between refreshes: one person answers, a few answer, many answer, someone joins, leaves or moves.
/// </summary>
internal sealed class GroupScenario
{
    private static readonly double[] Scores = [-1, -0.5, 0, 0.5, 1, -0.25, 0.25, 0.75];
    private static readonly SatisfactionState[] States = Enum.GetValues<SatisfactionState>();

    private readonly Random _random;
    private readonly int _departments;
    private readonly int _sites;
    private readonly Dictionary<string, Respondent> _people = new(StringComparer.Ordinal);
    private int _nextId;

    public GroupScenario(int seed)
    {
        _random = new Random(seed);
        _departments = _random.Next(1, 5);
        _sites = _random.Next(1, 5);
        var people = _random.Next(4, 32);
        for (var i = 0; i < people; i++) Join();
    }

    public IReadOnlyList<Respondent> People => [.. _people.Values.OrderBy(p => p.Id, StringComparer.Ordinal)];

    /// <summary>One refresh's worth of change; answers the number of people whose values changed.</summary>
    public void Step()
    {
        switch (_random.Next(7))
        {
            case 0 or 1: Answer(1); break;
            case 2: Answer(_random.Next(2, 5)); break;
            case 3: Answer(Math.Max(1, _people.Count / 2)); break;
            case 4: Join(); break;
            case 5 when _people.Count > 1: _people.Remove(Pick().Id); break;
            default:
                var p = Pick();
                _people[p.Id] = _random.Next(2) == 0 ? p with { Department = Department() } : p with { Site = Site() };
                break;
        }
    }

    private void Answer(int count)
    {
        foreach (var p in _people.Values.OrderBy(_ => _random.Next()).Take(count).ToList())
        {
            var score = Scores.Where(s => s != p.Score).ElementAt(_random.Next(Scores.Length - (p.Score is null ? 0 : 1)));
            _people[p.Id] = p with { Score = score, State = States[_random.Next(States.Length)] };
        }
    }

    private void Join()
    {
        var id = $"p{_nextId++:D3}";
        // Skewed towards the first department and site so that some cells stay small and some groups large.
        _people[id] = new Respondent(id, Department(), Site(), States[_random.Next(States.Length)],
            _random.Next(5) == 0 ? null : Scores[_random.Next(Scores.Length)]);
    }

    private Respondent Pick() => _people.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ElementAt(_random.Next(_people.Count));

    private string Department() => $"D{Math.Min(_random.Next(_departments), _random.Next(_departments))}";

    private string Site() => $"S{Math.Min(_random.Next(_sites), _random.Next(_sites))}";
}
