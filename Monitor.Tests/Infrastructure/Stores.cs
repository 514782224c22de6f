using Microsoft.Extensions.Options;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Infrastructure;

/// <summary>Fresh, migrated stores of either kind, so every storage test runs on both.</summary>
public static class Stores
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static async Task<StorageOptions> NewAsync(string provider)
    {
        var options = provider == Postgres
            ? new StorageOptions { Provider = Postgres, ConnectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync() }
            : new StorageOptions { Provider = Sqlite, ConnectionString = $"Data Source={Path.Combine(TestPaths.NewTempDir("sm-sqlite"), "monitor.db")}" };
        await using var db = new Database(Options.Create(options));
        await db.MigrateAsync();
        return options;
    }

    public static async Task<Database> NewDatabaseAsync(string provider) => new(Options.Create(await NewAsync(provider)));
}
