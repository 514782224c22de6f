using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Downtime;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Downtime;
using Monitor.Worker.Storage;
using Monitor.Worker.UserDirectory;

namespace Monitor.Tests.Downtime;

/// <summary>
/// The directory's optional <c>absent_until</c> column becomes a downtime authored "directory" (long leave when long
/// enough), on both stores; a file without the column changes nothing; a moved date moves the end, a cleared one ends it.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class DirectoryAbsenceTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private Database _db = null!;
    private FakeTimeProvider _time = null!;
    private string _csv = null!;
    private DirectorySync _sync = null!;
    private DowntimeCalendar _calendar = null!;
    private DowntimeRepository _store = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _time = new FakeTimeProvider(T0);
        _csv = Path.Combine(TestPaths.NewTempDir("sm-absent"), "users.csv");
        var options = Options.Create(new DowntimeOptions());
        _store = new DowntimeRepository(_db);
        _calendar = new DowntimeCalendar(_store, options);
        _sync = new DirectorySync(new CsvDirectorySource(Options.Create(new DirectoryOptions { CsvPath = _csv })),
            new UserRepository(_db, _time), NullLogger<DirectorySync>.Instance,
            absences: new DirectoryAbsences(_store, options, _time, NullLogger<DirectoryAbsences>.Instance));
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private async Task<DirectorySyncResult> SyncAsync(string? a, string? b)
    {
        var header = "id,email,display_name,department,site" + (a is null ? "" : ",absent_until");
        var rows = new[] { ("a", a), ("b", b) }.Select(r => $"{r.Item1},{r.Item1}@example.com,User {r.Item1},Finance,Paris" +
            (a is null ? "" : "," + r.Item2));
        await File.WriteAllTextAsync(_csv, header + "\n" + string.Join("\n", rows) + "\n");
        File.SetLastWriteTimeUtc(_csv, DateTime.UtcNow.AddSeconds(-5));
        return await _sync.RunAsync(default);
    }

    private static string Day(int days) => T0.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Test]
    public async Task An_absence_in_the_directory_is_a_downtime_until_the_end_of_its_last_day()
    {
        Assert.That((await SyncAsync(Day(60), "")).Success, Is.True);
        var spans = await _calendar.SpansAsync(T0, T0.AddMilliseconds(1), default);
        Assert.That(spans.Select(s => (s.UserId, s.LongLeave)), Is.EqualTo(new[] { ("a", true) }), "60 days is long leave");
        var end = new DateTimeOffset(T0.UtcDateTime.Date.AddDays(61), TimeSpan.Zero);
        var d = (await _store.DirectoryAbsencesAsync(T0, default))["a"];
        Assert.That((d.Author, d.Until), Is.EqualTo((DowntimeRecord.DirectoryAuthor, end)));

        _time.Advance(TimeSpan.FromDays(1));
        Assert.That((await SyncAsync(null, null)).Success, Is.True);
        Assert.That(await _calendar.UsersInDowntimeAsync(_time.GetUtcNow(), default), Is.EquivalentTo(new[] { "a" }),
            "a file without the column leaves the absence as it is");

        Assert.That((await SyncAsync(Day(10), Day(-1))).Success, Is.True);
        d = (await _store.DirectoryAbsencesAsync(_time.GetUtcNow(), default))["a"];
        Assert.That(d.Until, Is.EqualTo(end.AddDays(-50)), "the date moved, so did the end");
        Assert.That(d.IsLongLeave(TimeSpan.FromDays(28)), Is.False, "11 days is leave, not long leave");
        Assert.That(await _calendar.UsersInDowntimeAsync(_time.GetUtcNow(), default), Is.EquivalentTo(new[] { "a" }), "b's date is past");

        Assert.That((await SyncAsync("", "")).Success, Is.True);
        Assert.That(await _calendar.UsersInDowntimeAsync(_time.GetUtcNow(), default), Is.Empty, "a cleared date ends it now");
        Assert.That((await _calendar.SpansAsync(T0, T0.AddDays(90), default)).Single().Until, Is.EqualTo(_time.GetUtcNow()),
            "what happened stays for the reports");
    }

    [Test]
    public async Task A_date_that_is_not_a_date_refuses_the_file()
    {
        var result = await SyncAsync("next week", "");
        Assert.That(result.Success, Is.False);
        Assert.That(result.Errors.Single(), Does.Contain("absent_until 'next week' is not a date"));
    }
}
