using Microsoft.Extensions.Options;

namespace Monitor.Worker.Storage;

/// <summary>Which store holds users, signals and states. Bound from <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (embedded, the default) or <c>postgres</c> (production, several replicas).</summary>
    public string Provider { get; set; } = Sqlite;

    public string ConnectionString { get; set; } = "Data Source=data/monitor.db";

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions o)
    {
        var failures = new List<string>();
        if (!string.Equals(o.Provider, StorageOptions.Sqlite, StringComparison.OrdinalIgnoreCase) && !o.IsPostgres)
        {
            failures.Add($"{StorageOptions.Section}:{nameof(o.Provider)} must be '{StorageOptions.Sqlite}' or '{StorageOptions.Postgres}'"
                + $" (got '{o.Provider}').");
        }
        if (string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            failures.Add($"{StorageOptions.Section}:{nameof(o.ConnectionString)} is required.");
        }
        else
        {
            try
            {
                if (o.IsPostgres) _ = new Npgsql.NpgsqlConnectionStringBuilder(o.ConnectionString);
                else if (new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(o.ConnectionString) is var sqlite &&
                         (string.IsNullOrWhiteSpace(sqlite.DataSource) || IsInMemory(sqlite.DataSource) ||
                          sqlite.Mode == Microsoft.Data.Sqlite.SqliteOpenMode.Memory))
                {
                    // An in-memory or temporary database vanishes with each connection: tables migrated at start-up
                    // would be gone for the next request.
                    failures.Add($"{StorageOptions.Section}:{nameof(o.ConnectionString)} must name a database file " +
                                 $"(Data Source=path/monitor.db); an in-memory or empty data source loses every write.");
                }
                else if (!o.IsPostgres && DatabaseFileProblem(sqlite.DataSource) is { } problem)
                {
                    failures.Add($"{StorageOptions.Section}:{nameof(o.ConnectionString)} names '{sqlite.DataSource}', {problem}");
                }
            }
            catch (ArgumentException e)
            {
                failures.Add(
                    $"{StorageOptions.Section}:{nameof(o.ConnectionString)} is not a valid {o.Provider} connection string: {e.Message}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // SQLite also opens an in-memory database from a URI file name (file::memory:?cache=shared, file:x?mode=memory).
    private static bool IsInMemory(string dataSource) =>
        dataSource == ":memory:" || (dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase) &&
                                     (dataSource.Contains(":memory:", StringComparison.OrdinalIgnoreCase) ||
                                      dataSource.Contains("mode=memory", StringComparison.OrdinalIgnoreCase)));

    // The worker creates the file (and its folder) at start: a folder in its place, or a folder it cannot write, would stop it
    // later with a bare SQLite or IO error.
    private static string? DatabaseFileProblem(string dataSource)
    {
        if (dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) return null;
        var path = Path.GetFullPath(dataSource);
        if (System.IO.Directory.Exists(path)) return "which is a folder, not a database file.";
        return Path.GetDirectoryName(path) is { } folder && Pulse.PickupFolder.Unwritable(folder) is { } why
            ? $"whose folder cannot be written: {why}"
            : null;
    }
}
