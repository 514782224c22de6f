using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Evaluation;
using Monitor.Core.Ports;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Privacy;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Privacy;

/// <summary>The audit log, a person's export and erasure, and the retention of comments and visit notes, on both stores.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class PersonalDataStoreTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private Database _db = null!;
    private FakeTimeProvider _time = null!;
    private AuditRepository _audit = null!;
    private PersonalData _data = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _time = new FakeTimeProvider(T0);
        _audit = new AuditRepository(_db);
        _data = new PersonalData(new UserRepository(_db, _time), new StateRepository(_db), new AcknowledgementRepository(_db),
            new PersonalDataRepository(_db), _audit, _time);
        await new UserRepository(_db, _time).ReplaceAllAsync([U("a"), U("b")]);
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private static User U(string id) =>
        new(id, $"{id}@example.com", $"User {id}", "Finance", "Paris", null, Rank.IndividualContributor, "Europe/Paris", "fr-FR",
            true, false);

    private async Task<long> CountAsync(string sql, object? p = null)
    {
        await using var c = await _db.OpenAsync();
        return await c.ExecuteScalarAsync<long>(sql, p);
    }

    private async Task ExecuteAsync(string sql, object? p = null)
    {
        await using var c = await _db.OpenAsync();
        await c.ExecuteAsync(sql, p);
    }

    /// <summary>Signals, a state, a state change, an acknowledgement and a pulse with a link fetch and a message, for a and b.</summary>
    private async Task SeedAsync()
    {
        var signals = new SignalRepository(_db, _time);
        var states = new StateRepository(_db);
        var pulses = new PulseRepository(_db);
        foreach (var id in new[] { "a", "b" })
        {
            await signals.WriteAsync([new Signal(id, SignalKinds.Touchpoint, -1, 1, T0, $"api:{id}", $"comment of {id}")], default);
            await states.SaveAsync([new UserStatus(id, SatisfactionState.Down, -1, T0, false, 0, 0, T0, T0)],
                [new StateChange(id, SatisfactionState.Unknown, SatisfactionState.Down, T0, -1,
                    [new SignalRef("touchpoint", $"api:{id}", -1, T0)])],
                []);
            await new AcknowledgementRepository(_db).SetAsync(new Acknowledgement(id, "oncall", null, T0, null));
            var pulse = new PulseRecord(Guid.CreateVersion7(), id, "default", PulseReasons.Manual, T0, T0.AddDays(7));
            await pulses.CreateManyAsync([new NewPulse(pulse, "email", $"{id}@example.com", "message")], default);
            await pulses.RecordLinkHitAsync(pulse.Id, 1, T0, T0.AddMinutes(-1), default);
        }
    }

    [Test]
    public async Task The_audit_log_keeps_entries_and_filters_by_time_actor_and_subject()
    {
        await _audit.RecordAsync(new AuditEntry(T0, "alice", AuditActions.ViewUser, "a"), default);
        await _audit.RecordAsync(new AuditEntry(T0.AddMinutes(1), "api-key", AuditActions.ExportUser, "b", "why, \"quoted\""), default);
        await _audit.RecordAsync(new AuditEntry(T0.AddMinutes(2), "alice", AuditActions.ExportUsers, null), default);

        var all = await _audit.QueryAsync(T0, null, null, 100);
        Assert.That(all.Select(e => e.Action),
            Is.EqualTo(new[] { AuditActions.ExportUsers, AuditActions.ExportUser, AuditActions.ViewUser }));
        Assert.That(all[1], Is.EqualTo(new AuditEntry(T0.AddMinutes(1), "api-key", AuditActions.ExportUser, "b", "why, \"quoted\"")));
        Assert.That((await _audit.QueryAsync(T0, "alice", null, 100)).Count, Is.EqualTo(2));
        Assert.That((await _audit.QueryAsync(T0, null, "a", 100)).Single().Actor, Is.EqualTo("alice"));
        Assert.That((await _audit.QueryAsync(T0.AddMinutes(1), null, null, 100)).Count, Is.EqualTo(2));
        Assert.That((await _audit.QueryAsync(T0, null, null, 1)).Count, Is.EqualTo(1));
    }

    [Test]
    public async Task An_export_holds_everything_about_the_person_and_nothing_about_others_and_is_audited()
    {
        await SeedAsync();
        await ExecuteAsync("INSERT INTO visits (id, user_id, kind, by_whom, visited_at, notes, created_at) " +
                           "VALUES ('v1', 'a', 'in_person', 'it', 1, 'spoke about the printer', 1), ('v2', 'b', 'call', 'it', 1, 'other', 1)");

        var export = await _data.ExportAsync("a", "alice", default);

        Assert.That(export, Is.Not.Null);
        Assert.That(export!.Directory!.Email, Is.EqualTo("a@example.com"));
        Assert.That(export.State!.State, Is.EqualTo(SatisfactionState.Down));
        Assert.That(export.Acknowledgement!.By, Is.EqualTo("oncall"));
        Assert.That(export.Signals.Single().Comment, Is.EqualTo("comment of a"));
        Assert.That(export.StateChanges.Single().UserId, Is.EqualTo("a"));
        Assert.That(export.Pulses.Single().CreatedAt, Is.EqualTo(T0));
        Assert.That(export.Linked["visits"].Single()["notes"], Is.EqualTo("spoke about the printer"));
        Assert.That(export.Audit.Single(), Is.EqualTo(new AuditEntry(T0, "alice", AuditActions.ExportUser, "a")));
        Assert.That(await _data.ExportAsync("nobody", "alice", default), Is.Null, "nothing held: no export, no entry");
        Assert.That(await _audit.QueryAsync(T0, null, "nobody", 10), Is.Empty);
    }

    [Test]
    public async Task Erasure_removes_the_persons_data_keeps_others_and_records_itself()
    {
        await SeedAsync();
        await ExecuteAsync("INSERT INTO visits (id, user_id, kind, by_whom, visited_at, notes, created_at) " +
                           "VALUES ('v1', 'a', 'in_person', 'it', 1, 'note', 1), ('v2', 'b', 'call', 'it', 1, 'other', 1)");
        await _audit.RecordAsync(new AuditEntry(T0, "alice", AuditActions.ViewUser, "a"), default);

        var erased = await _data.EraseAsync("a", "api-key", default);

        Assert.That(erased, Is.Not.Null);
        Assert.That((erased!.Signals, erased.StateChanges, erased.Acknowledgements, erased.Pulses, erased.LinkFetches, erased.Messages),
            Is.EqualTo((1, 1, 1, 1, 1, 1)));
        Assert.That(erased.Linked["visits"], Is.EqualTo(1));
        foreach (var table in new[] { "signals", "state_changes", "acknowledgements", "user_states", "pulses", "visits" })
        {
            Assert.That(await CountAsync($"SELECT COUNT(*) FROM {table} WHERE user_id = 'a'"), Is.Zero, table);
            Assert.That(await CountAsync($"SELECT COUNT(*) FROM {table} WHERE user_id = 'b'"), Is.EqualTo(1), table);
        }
        Assert.That(await CountAsync("SELECT COUNT(*) FROM pulse_link_hits"), Is.EqualTo(1), "b's fetch stays");
        Assert.That(await CountAsync("SELECT COUNT(*) FROM outbox WHERE recipient = 'a@example.com'"), Is.Zero);
        Assert.That(await CountAsync("SELECT COUNT(*) FROM users WHERE id = 'a'"), Is.EqualTo(1), "the directory owns the record");
        var audit = await _audit.QueryAsync(T0, null, "a", 10);
        Assert.That(audit.Select(e => e.Action), Is.EqualTo(new[] { AuditActions.EraseUser, AuditActions.ViewUser }));
        Assert.That(audit[0].Detail, Does.StartWith("1 signals, 1 state changes, 1 acknowledgements, 1 pulses, 1 visits"));

        var again = await _data.EraseAsync("a", "api-key", default);
        Assert.That(again!.Signals, Is.Zero, "a second erasure of a directory user finds nothing and succeeds");
        Assert.That(await _data.EraseAsync("nobody", "api-key", default), Is.Null);
    }

    [Test]
    public async Task Retention_blanks_comments_and_visit_notes_older_than_their_settings_and_keeps_the_rest()
    {
        var privacy = new PrivacyOptions();
        var signals = new SignalRepository(_db, _time);
        var cutoff = T0 - privacy.CommentRetention;
        await signals.WriteAsync([
            new Signal("a", SignalKinds.Touchpoint, -1, 1, cutoff.AddMilliseconds(-1), "old", "old comment"),
            new Signal("a", SignalKinds.Touchpoint, 1, 1, cutoff, "edge", "edge comment"),
        ], default);
        var job = new RetentionJob(new RetentionRepository(_db), Options.Create(new RetentionOptions { Signals = TimeSpan.FromDays(3650) }),
            _time, NullLogger<RetentionJob>.Instance, Options.Create(privacy));

        var withoutVisits = await job.RunAsync(default);
        Assert.That(withoutVisits.Message, Does.Contain("1 comments blanked, 0 visit notes blanked"), "no visit yet: nothing to do");
        Assert.That(await CountAsync("SELECT COUNT(*) FROM signals"), Is.EqualTo(2), "the signals stay");
        Assert.That(await CountAsync("SELECT COUNT(*) FROM signals WHERE comment IS NULL AND source = 'old'"), Is.EqualTo(1));
        Assert.That(await CountAsync("SELECT COUNT(*) FROM signals WHERE comment = 'edge comment'"), Is.EqualTo(1));

        var notes = T0 - privacy.NoteRetention;
        await ExecuteAsync("INSERT INTO visits (id, user_id, kind, by_whom, visited_at, notes, created_at) " +
                           "VALUES ('old', 'a', 'chat', 'it', @old, 'old note', @old), ('edge', 'a', 'chat', 'it', @edge, 'edge note', @edge)",
            new { old = notes.AddMilliseconds(-1), edge = notes });
        var withVisits = await job.RunAsync(default);
        Assert.That(withVisits.Message, Does.Contain("0 comments blanked, 1 visit notes blanked"));
        Assert.That(await CountAsync("SELECT COUNT(*) FROM visits WHERE notes = ''"), Is.EqualTo(1));
        Assert.That(await CountAsync("SELECT COUNT(*) FROM visits WHERE notes = 'edge note'"), Is.EqualTo(1));
    }
}
