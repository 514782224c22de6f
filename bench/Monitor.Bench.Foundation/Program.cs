// Seeds a store with N users and M signals, then times a cold full re-evaluation, an incremental
// evaluation cycle after 1,000 new signals, and a metrics refresh plus text exposition of all series.
// Usage: Monitor.Bench.Foundation <sqlite|postgres> <connection string> [users] [signals per user] [csv out]
using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Worker.Evaluation;
using Monitor.Worker.Exporter;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;
using Npgsql;

var provider = args[0];
var connection = args[1];
var userCount = args.Length > 2 ? int.Parse(args[2]) : 100_000;
var perUser = args.Length > 3 ? int.Parse(args[3]) : 10;
var csvOut = args.Length > 4 ? args[4] : null;

var time = TimeProvider.System;
var now = time.GetUtcNow();
await using var db = new Database(Options.Create(new StorageOptions { Provider = provider, ConnectionString = connection }));
await db.MigrateAsync();
var users = new UserRepository(db, time);
var signals = new SignalRepository(db, time);
var states = new StateRepository(db);
var acks = new AcknowledgementRepository(db);
var evaluation = Options.Create(new EvaluationOptions());
var evaluator = new Evaluator(users, signals, states, acks, evaluation, time, NullLogger<Evaluator>.Instance);

string[] departments = ["Finance", "Sales", "Engineering", "HR", "Operations", "Legal", "Marketing", "Support"];
string[] sites = ["Paris", "London", "New York", "Singapore", "Berlin", "Madrid"];
var directory = Enumerable.Range(0, userCount).Select(i => new User($"u{i:D6}", $"user{i}@example.com", $"User {i}",
    departments[i % departments.Length], sites[i / 7 % sites.Length], null, Rank.IndividualContributor, "UTC", "en", true, false)).ToList();
if (csvOut is not null)
{
    await File.WriteAllLinesAsync(csvOut, ["id,email,display_name,department,site", ..
        directory.Select(u => $"{u.Id},{u.Email},{u.DisplayName},{u.Department},{u.Site}")]);
}

var watch = Stopwatch.StartNew();
await users.ReplaceAllAsync(directory);
Console.WriteLine($"seeded {userCount:N0} users in {watch.Elapsed.TotalSeconds:F1} s");

watch.Restart();
var random = new Random(42);
await using (var c = await db.OpenAsync())
{
    const string sql = "INSERT INTO signals (user_id, kind, source, score, weight, observed_at, received_at, comment) " +
                       "VALUES (@UserId, @Kind, @Source, @Score, 1.0, @ObservedAt, @ObservedAt, NULL)";
    var rows = new List<object>(50_000);
    async Task FlushAsync()
    {
        if (c is NpgsqlConnection pg)
        {
            await using var copy = await pg.BeginBinaryImportAsync(
                "COPY signals (user_id, kind, source, score, weight, observed_at, received_at) FROM STDIN (FORMAT BINARY)");
            foreach (dynamic r in rows)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync((string)r.UserId);
                await copy.WriteAsync((string)r.Kind);
                await copy.WriteAsync((string)r.Source);
                await copy.WriteAsync((double)r.Score);
                await copy.WriteAsync(1.0);
                await copy.WriteAsync((long)r.ObservedAt);
                await copy.WriteAsync((long)r.ObservedAt);
            }
            await copy.CompleteAsync();
        }
        else
        {
            await using var tx = await c.BeginTransactionAsync();
            await c.ExecuteAsync(sql, rows, tx);
            await tx.CommitAsync();
        }
        rows.Clear();
    }
    string[] kinds = [SignalKinds.PulseAnswer, SignalKinds.TicketSentiment, SignalKinds.TicketCsat, SignalKinds.Touchpoint];
    for (var u = 0; u < userCount; u++)
    {
        // Most users content, some unhappy: a realistic spread of states.
        var mood = random.NextDouble() < 0.1 ? -0.6 : 0.4;
        for (var k = 0; k < perUser; k++)
        {
            rows.Add(new
            {
                UserId = directory[u].Id, Kind = kinds[k % kinds.Length], Source = $"bench:{u}:{k}",
                Score = Math.Clamp(mood + (random.NextDouble() - 0.5), -1, 1),
                ObservedAt = now.AddDays(-random.NextDouble() * 80).ToUnixTimeMilliseconds(),
            });
        }
        if (rows.Count >= 50_000) await FlushAsync();
    }
    await FlushAsync();
    await c.ExecuteAsync("DELETE FROM dirty_users");
}
Console.WriteLine($"seeded {userCount * perUser:N0} signals in {watch.Elapsed.TotalSeconds:F1} s");

Measure("cold full re-evaluation", await Time(async () => await evaluator.RunFullAsync(CancellationToken.None)));
Measure("full re-evaluation, nothing changed", await Time(async () => await evaluator.RunFullAsync(CancellationToken.None)));

var fresh = Enumerable.Range(0, 1000).Select(i => new Signal(directory[random.Next(userCount)].Id, SignalKinds.Touchpoint,
    -1.0, 1.0, time.GetUtcNow(), $"bench:new:{i}")).ToList();
await signals.WriteAsync(fresh, CancellationToken.None);
Measure("incremental cycle after 1,000 new signals", await Time(async () => await evaluator.RunIncrementalAsync(CancellationToken.None)));
Measure("incremental cycle, nothing new", await Time(async () => await evaluator.RunIncrementalAsync(CancellationToken.None)));

var pulseStore = new Monitor.Worker.Pulse.PulseRepository(db);
var series = new UserSeries();
var exporter = new UserMetricsExporter(new BoardRepository(db), new JobRunRepository(db), ProbeCatalog.Empty,
    pulseStore, pulseStore,
    Options.Create(new MetricsOptions()), time, NullLogger<UserMetricsExporter>.Instance, series: series);
Measure("first metrics refresh (creates every series)", await Time(() => exporter.RefreshAsync(CancellationToken.None)));
Measure("metrics refresh, steady", await Time(() => exporter.RefreshAsync(CancellationToken.None)));
for (var i = 0; i < 3; i++)
{
    using var sink = new MemoryStream();
    var w = Stopwatch.StartNew();
    // What a scrape of /metrics writes: the per-user snapshot, then the prometheus-net registry.
    await MetricsEndpoint.WriteAsync(sink, Prometheus.ExpositionFormat.PrometheusText, series, Prometheus.Metrics.DefaultRegistry,
        CancellationToken.None);
    Console.WriteLine($"text exposition of all series: {w.Elapsed.TotalMilliseconds:F0} ms, {sink.Length / 1024.0 / 1024.0:F1} MiB");
}
Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB");

static async Task<TimeSpan> Time(Func<Task> run)
{
    var w = Stopwatch.StartNew();
    await run();
    return w.Elapsed;
}

static void Measure(string what, TimeSpan took) => Console.WriteLine($"{what}: {took.TotalSeconds:F2} s");

