using Monitor.Tests.Infrastructure;
using Npgsql;
using static Monitor.Tests.Infrastructure.PostgresServer;

namespace Monitor.Tests.Faults;

/// <summary>
/// A PostgreSQL cluster of one test's own, so that it can be stopped, killed and started again under a worker
/// without touching the shared one (<see cref="PostgresServer"/>). Same port across restarts; deleted on dispose.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _dir;

    private PrivatePostgres(string dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=monitor;Pooling=true;Maximum Pool Size=20";

    /// <summary>A new cluster with an empty database <c>monitor</c>; not started when <paramref name="start"/> is false.</summary>
    public static async Task<PrivatePostgres> CreateAsync(bool start = true)
    {
        var dir = TestPaths.NewTempDir("sm-pgf");
        if (ProcessRunner.IsRoot) await Check(ProcessRunner.RunAsync("chown", ["-R", "postgres:postgres", dir]));
        await Check(AsPostgres($"{Bin}/initdb",
            ["-D", Path.Combine(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]));
        var pg = new PrivatePostgres(dir, TestPaths.FreePort());
        await pg.StartAsync();
        var admin = pg.ConnectionString.Replace("Database=monitor", "Database=postgres", StringComparison.Ordinal);
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("CREATE DATABASE monitor", c);
            await cmd.ExecuteNonQueryAsync();
        }
        if (!start) await pg.StopAsync();
        return pg;
    }

    public Task StartAsync() => Check(AsPostgres($"{Bin}/pg_ctl", ["-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "log"), "-w",
        "-t", "60", "start", "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off"]));

    /// <summary>Stops the server: <c>fast</c> (a clean shutdown, clients disconnected) or <c>immediate</c> (like a kill).</summary>
    public Task StopAsync(string mode = "fast") =>
        Check(AsPostgres($"{Bin}/pg_ctl", ["-D", Path.Combine(_dir, "data"), "-m", mode, "-w", "-t", "60", "stop"]));

    public async ValueTask DisposeAsync()
    {
        await AsPostgres($"{Bin}/pg_ctl", ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"]);
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }
}
