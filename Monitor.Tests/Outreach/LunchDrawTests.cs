using FsCheck;
using FsCheck.Fluent;
using Monitor.Core.Outreach;
using Monitor.Core.Users;

namespace Monitor.Tests.Outreach;

/// <summary>The lunch draw: seeded, spread across departments and ranks, never within the cooldown.</summary>
public sealed class LunchDrawTests
{
    private static readonly string[] Departments = ["Finance", "Sales", "HR", "Legal", "Ops"];

    private static List<User> People(int count, int salt) => Enumerable.Range(0, count)
        .Select(i => WhoToVisitTests.U($"u{i:D3}", dept: Departments[(i * 7 + salt) % Departments.Length],
            rank: (Rank)((i + salt) % 3), active: (i + salt) % 11 != 0))
        .ToList();

    private static readonly Arbitrary<(int Size, int Salt, int Count, int Seed, int ExcludeEvery)> Cases =
        (from size in Gen.Choose(0, 60)
         from salt in Gen.Choose(0, 20)
         from count in Gen.Choose(0, 30)
         from seed in Gen.Choose(int.MinValue, int.MaxValue)
         from exclude in Gen.Choose(2, 9)
         select (size, salt, count, seed, exclude)).ToArbitrary();

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property A_draw_is_distinct_eligible_as_large_as_possible_and_spread_evenly_across_departments() =>
        Prop.ForAll(Cases, c =>
        {
            var people = People(c.Size, c.Salt);
            var recent = people.Where((_, i) => i % c.ExcludeEvery == 0).Select(u => u.Id).ToHashSet();
            var eligible = people.Where(u => u.Active && !recent.Contains(u.Id)).ToList();
            var drawn = LunchDraw.Draw(people, recent, c.Count, c.Seed);
            var perDepartment = drawn.GroupBy(u => u.Department).ToDictionary(g => g.Key, g => g.Count());
            var available = eligible.GroupBy(u => u.Department).ToDictionary(g => g.Key, g => g.Count());
            // A department with fewer drawn than another (by two or more) must have run out of people.
            var even = available.Keys.All(d => available.Keys.All(o =>
                perDepartment.GetValueOrDefault(d) + 1 >= perDepartment.GetValueOrDefault(o) ||
                perDepartment.GetValueOrDefault(d) == available[d]));
            return drawn.Count == Math.Min(c.Count, eligible.Count)
                   && drawn.Select(u => u.Id).Distinct().Count() == drawn.Count
                   && drawn.All(u => u.Active && !recent.Contains(u.Id))
                   && even;
        });

    [Test]
    public void The_same_seed_draws_the_same_people_whatever_order_the_store_returns()
    {
        var people = People(40, 3);
        var reversed = Enumerable.Reverse(people).ToList();
        var a = LunchDraw.Draw(people, new HashSet<string>(), 6, 42).Select(u => u.Id);
        var b = LunchDraw.Draw(reversed, new HashSet<string>(), 6, 42).Select(u => u.Id);
        Assert.That(a, Is.EqualTo(b));
        var others = Enumerable.Range(1, 20)
            .Select(s => string.Join(",", LunchDraw.Draw(people, new HashSet<string>(), 6, s).Select(u => u.Id)));
        Assert.That(others.Distinct().Count(), Is.GreaterThan(10), "other seeds draw other people");
    }

    [Test]
    public void Five_seats_over_five_departments_go_one_each_and_a_department_second_seat_goes_to_another_rank()
    {
        var people = People(60, 0).Select(u => u with { Active = true }).ToList();
        for (var seed = 0; seed < 50; seed++)
        {
            var drawn = LunchDraw.Draw(people, new HashSet<string>(), 10, seed);
            Assert.That(drawn.GroupBy(u => u.Department).Select(g => g.Count()), Is.All.EqualTo(2));
            Assert.That(drawn.GroupBy(u => u.Department).Select(g => g.Select(u => u.Rank).Distinct().Count()), Is.All.EqualTo(2),
                "each department's two seats are two ranks");
        }
    }
}
