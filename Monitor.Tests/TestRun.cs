using Monitor.Tests.Infrastructure;

namespace Monitor.Tests;

/// <summary>Set-up and tear-down of the whole test run: servers started on demand are stopped here.</summary>
[SetUpFixture]
public sealed class TestRun
{
    [OneTimeTearDown]
    public async Task StopServers() => await PostgresServer.StopAsync();
}
