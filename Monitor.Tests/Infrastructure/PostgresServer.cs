using Npgsql;

namespace Monitor.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL 15 cluster on loopback, started once for the test run (in a temp folder, owned
/// by the postgres user when the tests run as root, since initdb refuses root) and stopped at the end.
/// Each test gets a database of its own.
/// </summary>
public sealed class PostgresServer
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresServer? _instance;

    private readonly string _dir;

    private PostgresServer(string dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=20";

    public static async Task<PostgresServer> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _instance ??= await StartAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Creates a new empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..12];
        await using var c = new NpgsqlConnection(ConnectionString("postgres"));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var dir = TestPaths.NewTempDir("sm-pg");
        var data = Path.Combine(dir, "data");
        if (ProcessRunner.IsRoot) await Check(ProcessRunner.RunAsync("chown", ["-R", "postgres:postgres", dir]));
        await Check(AsPostgres($"{Bin}/initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]));
        var port = TestPaths.FreePort();
        // fsync off: the tests need a real server, not a durable one. Benchmarks use their own settings.
        await Check(AsPostgres($"{Bin}/pg_ctl", ["-D", data, "-l", Path.Combine(dir, "log"), "-w", "-t", "60", "start",
            "-o", $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"]));
        return new PostgresServer(dir, port);
    }

    /// <summary>Stops the cluster; called once at the end of the test run.</summary>
    public static async Task StopAsync()
    {
        if (_instance is null) return;
        await AsPostgres($"{Bin}/pg_ctl", ["-D", Path.Combine(_instance._dir, "data"), "-m", "immediate", "-w", "stop"]);
        try
        {
            Directory.Delete(_instance._dir, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
        _instance = null;
    }

    /// <summary>Runs a PostgreSQL tool as the postgres user when the tests run as root (initdb refuses root).</summary>
    internal static Task<(int, string)> AsPostgres(string file, string[] args) =>
        ProcessRunner.IsRoot
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", file, .. args])
            : ProcessRunner.RunAsync(file, args);

    internal static async Task Check(Task<(int ExitCode, string Output)> run)
    {
        var (code, output) = await run;
        if (code != 0) throw new InvalidOperationException($"PostgreSQL command failed ({code}):\n{output}");
    }
}
