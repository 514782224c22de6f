using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Probes;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Faults;

/// <summary>
/// A scheduled run during a database outage fails with one line, no stack trace, and does not throw into Quartz (which
/// logged "Job threw an unhandled exception" with the stack when the run could not be recorded: bench/pulse/faults.sh).
/// </summary>
public sealed class ProbeJobOutageTests
{
    [Test]
    public async Task A_run_during_an_outage_fails_in_one_line_and_its_unrecordable_run_does_not_escape_to_quartz()
    {
        // PostgreSQL at a loopback port nobody listens on: every connection is refused at once.
        await using var db = new Database(Options.Create(new StorageOptions
        {
            Provider = StorageOptions.Postgres,
            ConnectionString = $"Host=127.0.0.1;Port={TestPaths.FreePort()};Username=nobody;Timeout=2",
        }));
        var catalog = new ProbeCatalog([new ProbeDefinition("outage", _ => new JobSchedule.Every(TimeSpan.FromMinutes(1)),
            _ => new FailingProbe())], new ServiceCollection().BuildServiceProvider());
        var logger = new ListLogger<ProbeJob>();
        var job = new ProbeJob(catalog, new JobRunRepository(db), new NodeIdentity("test"), TimeProvider.System, logger);

        await job.RunAsync("outage", CancellationToken.None); // an exception here is what Quartz logged with its stack

        Assert.That(logger.Exceptions, Is.All.Null, "no stack trace: " + string.Join("\n", logger.Lines));
        Assert.That(logger.Lines, Has.Count.EqualTo(2));
        Assert.That(logger.Lines[0], Does.Contain("Job outage failed: the store is unavailable").And.Contain("SocketException"));
        Assert.That(logger.Lines[1], Does.Contain("Job outage: its run could not be recorded, the store is unavailable"));
    }

    private sealed class FailingProbe : IProbe
    {
        public string Name => "outage";

        public Task<ProbeResult> RunAsync(CancellationToken cancellationToken) =>
            throw new SocketException((int)SocketError.ConnectionRefused);
    }
}
