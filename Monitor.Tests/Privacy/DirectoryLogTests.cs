using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.UserDirectory;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Privacy;

/// <summary>A rejected directory row's error quotes the id or e-mail it found: blanked in the log outside identified mode.</summary>
public sealed class DirectoryLogTests
{
    private const string Error = "users.csv line 3: id 'u007' appears twice; email 'gale.ng@example.com' appears twice";

    [TestCase("identified", true)]
    [TestCase("pseudonymous", false)]
    [TestCase("anonymous", false)]
    public async Task Rejected_rows_are_logged_without_ids_outside_identified_mode(string mode, bool idsLogged)
    {
        var policy = new PrivacyPolicy(Options.Create(new PrivacyOptions { Mode = mode, PseudonymKey = "a-key-long-enough-0123" }),
            Options.Create(new MetricsOptions()));
        var logger = new ListLogger<DirectorySync>();
        // The store is never reached: a failed read imports nothing.
        var sync = new DirectorySync(new FailingSource(), new UserRepository(null!, TimeProvider.System), logger, policy);

        var result = await sync.RunAsync(default);

        Assert.That(result.Success, Is.False);
        var rejected = logger.Lines.Single(l => l.StartsWith("Directory row rejected", StringComparison.Ordinal));
        Assert.That(rejected.Contains("u007", StringComparison.Ordinal), Is.EqualTo(idsLogged), rejected);
        Assert.That(rejected.Contains("gale.ng@example.com", StringComparison.Ordinal), Is.EqualTo(idsLogged), rejected);
        Assert.That(rejected, Does.Contain("users.csv line 3: id"), "where to look stays");
    }

    private sealed class FailingSource : IUserDirectorySource
    {
        public Task<DirectoryReadResult> ReadAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new DirectoryReadResult([], [Error]));
    }
}
