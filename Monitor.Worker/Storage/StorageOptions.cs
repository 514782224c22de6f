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
                         (string.IsNullOrWhiteSpace(sqlite.DataSource) || sqlite.DataSource == ":memory:" ||
                          sqlite.Mode == Microsoft.Data.Sqlite.SqliteOpenMode.Memory))
                {
                    // An in-memory or temporary database vanishes with each connection: tables migrated at start-up
                    // would be gone for the next request.
                    failures.Add($"{StorageOptions.Section}:{nameof(o.ConnectionString)} must name a database file " +
                                 $"(Data Source=path/monitor.db); an in-memory or empty data source loses every write.");
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
}
