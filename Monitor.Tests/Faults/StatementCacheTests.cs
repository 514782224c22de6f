using Dapper;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Faults;

/// <summary>
/// Dapper caches one entry per distinct SQL text, for the life of the process: a statement whose text carries a
/// value or a time grows memory with every call (issue 13: ~550 MiB per 100,000 signals). After a warm-up round
/// that runs every statement once, a long burst of signals, answers and directory syncs adds no entry.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class StatementCacheTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private static User U(int i, string dept = "Finance") =>
        new($"u{i:D4}", $"u{i}@example.com", $"User {i}", dept, "Paris", null, Rank.IndividualContributor, "UTC", "en", true, false);

    [Test]
    public async Task A_burst_of_signals_answers_and_syncs_adds_no_statement_to_dappers_cache()
    {
        var options = await Stores.NewAsync(provider);
        await using var db = new Database(Options.Create(options));
        var time = new FakeTimeProvider(T0);
        var users = new UserRepository(db, time);
        var signals = new SignalRepository(db, time);
        var pulses = new PulseRepository(db);
        var pulseOptions = new PulseOptions { SigningKeys = ["cache-test-signing-key-0123456789"], PublicBaseUrl = "https://p.example" };
        var codec = new PulseTokenCodec(pulseOptions.SigningKeys);
        var responses = new PulseResponses(codec, new PulseLinks(codec, pulseOptions), pulses, users,
            Options.Create(pulseOptions), time, feedback: new PulseFeedbackRepository(db));

        const int people = 200;
        var records = Enumerable.Range(0, people)
            .Select(i => new PulseRecord(Guid.NewGuid(), U(i).Id, PulseQuestions.Value, PulseReasons.Manual, T0, T0.AddDays(7)))
            .ToList();
        await pulses.CreateManyAsync(records.Select(p => new NewPulse(p, "email", $"{p.UserId}@example.com", "…")).ToList(), default);

        async Task RoundAsync(int round, int count)
        {
            // Every round changes the directory (a joiner, a leaver, a moved person), the times and the values.
            var directory = Enumerable.Range(0, people).Where(i => i != round % people)
                .Select(i => U(i, i == (round + 1) % people ? $"Dept {round}" : "Finance")).ToList();
            await users.ReplaceAllAsync(directory);
            for (var i = 0; i < count; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(1_234));
                var user = U(i % people).Id;
                var score = (i % 21 - 10) / 10.0;
                await signals.WriteAsync([new Signal(user, SignalKinds.Touchpoint, score, 0.5 + i % 5 / 10.0, time.GetUtcNow(),
                    $"burst:{round}:{i}", $"comment {i}")], default);
                var pulse = records[i % people];
                var answer = PulseAnswers.Find(1 + i % 5)!;
                var factor = responses.Factors(answer).FirstOrDefault();
                await responses.RecordAsync(pulse, i % 3, answer, i % 2 == 0 ? null : $"answer {i}", default,
                    new PulseFeedback(factor, LostTimes.All[i % LostTimes.All.Count]));
                await signals.RecentAsync(user, 10 + i % 7);
                await users.SetOptedOutAsync(user, false);
            }
            await signals.ForUsersAsync(directory.Take(1 + round * 37 % people).Select(u => u.Id).ToList(), time.GetUtcNow().AddDays(-1));
            await users.InDirectoryAsync(directory.Take(1 + round * 53 % people).Select(u => u.Id).ToList());
        }

        // Two warm-up rounds: the first sync only adds people, the second also removes one.
        await RoundAsync(0, 30);
        await RoundAsync(1, 30);
        var before = CachedStatements(options.ConnectionString);
        for (var round = 2; round <= 6; round++) await RoundAsync(round, 200);
        var after = CachedStatements(options.ConnectionString);

        Assert.That(after.Except(before).ToList(), Is.Empty,
            "statements first seen during the burst: their SQL text changes from call to call");
        Assert.That(after, Has.Count.EqualTo(before.Count));
    }

    // Dapper keys its cache by connection string and SQL text: this database's entries only, whatever other tests run.
    private static List<string> CachedStatements(string connectionString) =>
        SqlMapper.GetCachedSQL().Where(e => DatabaseName(e.Item1) == DatabaseName(connectionString)).Select(e => e.Item2).ToList();

    private static string DatabaseName(string cs)
    {
        foreach (var part in cs.Split(';'))
        {
            var kv = part.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim() is "Database" or "Data Source") return kv[1].Trim();
        }
        return "";
    }
}
