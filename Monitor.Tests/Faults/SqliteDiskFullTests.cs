using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Storage;
using Npgsql;

namespace Monitor.Tests.Faults;

/// <summary>
/// SQLite on a volume that fills up under the real worker (a small tmpfs, so root only; skipped elsewhere): writes
/// answer 503, /readyz says not ready, and both come back once there is room again.
/// </summary>
public sealed class SqliteDiskFullTests
{
    [Test]
    public async Task On_a_full_disk_writes_get_503_readyz_is_not_ready_and_both_recover_when_space_is_freed()
    {
        var mount = TestPaths.NewTempDir("sm-full");
        var (code, output) = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=48m", "tmpfs", mount]);
        if (code != 0) Assert.Ignore($"cannot mount a small tmpfs here ({output.Trim()})");
        try
        {
            await using (var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
                         {
                             ["Storage:Provider"] = "sqlite",
                             ["Storage:ConnectionString"] = $"Data Source={Path.Combine(mount, "monitor.db")}",
                         }))
            {
                var filler = Path.Combine(mount, "filler");
                Fill(filler);
                using (var ready = await worker.Http.GetAsync("/readyz"))
                {
                    Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                    Assert.That(await ready.Content.ReadAsStringAsync(), Does.Contain("nearly full"));
                }
                using (var write = await BulkAsync(worker, "full"))
                {
                    Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await write.Content.ReadAsStringAsync());
                    Assert.That(write.Headers.RetryAfter, Is.Not.Null);
                }
                Assert.That(await worker.MetricsAsync(),
                    Does.Match("satisfaction_store_unavailable_responses_total\\{surface=\"api\"\\} [1-9]"));

                File.Delete(filler);
                using (var again = await BulkAsync(worker, "freed")) Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                await worker.WaitReadyAsync(TimeSpan.FromSeconds(5));
            }
        }
        finally
        {
            await ProcessRunner.RunAsync("umount", ["-l", mount]);
        }
    }

    [Test]
    public void Unavailability_is_told_from_a_wrong_statement()
    {
        Assert.That(StoreFaults.IsUnavailable(new SqliteException("database or disk is full", 13)), Is.True);
        Assert.That(StoreFaults.IsUnavailable(new SqliteException("no such table: x", 1)), Is.False);
        Assert.That(StoreFaults.IsUnavailable(new PostgresException("shutting down", "FATAL", "FATAL", "57P01")), Is.True);
        Assert.That(StoreFaults.IsUnavailable(new PostgresException("could not extend file", "ERROR", "ERROR", "53100")), Is.True);
        Assert.That(StoreFaults.IsUnavailable(new PostgresException("syntax error", "ERROR", "ERROR", "42601")), Is.False);
        Assert.That(StoreFaults.IsUnavailable(new InvalidOperationException("Schema migration failed at :",
            new NpgsqlException("Failed to connect"))), Is.True);
        Assert.That(StoreFaults.IsUnavailable(new ArgumentException("bad")), Is.False);
    }

    // Until the volume refuses another byte.
    private static void Fill(string path)
    {
        var block = new byte[1024 * 1024];
        // Unbuffered: a failed write fails here, not again when the stream is disposed.
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true) f.Write(block);
        }
        catch (IOException)
        {
            // full
        }
    }

    // 800 signals with 3,000-character comments: more than any room left in the write-ahead log.
    private static Task<HttpResponseMessage> BulkAsync(WorkerProcess worker, string tag) =>
        worker.Admin.PostAsJsonAsync("/api/signals", Enumerable.Range(0, 800).Select(i => new
        {
            userId = $"u{1 + i % 9:D3}", score = 0.5, source = $"{tag}:{i}", comment = new string('x', 3_000),
        }));
}
