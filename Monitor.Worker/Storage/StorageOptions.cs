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
                _ = o.IsPostgres
                    ? (System.Data.Common.DbConnectionStringBuilder)new Npgsql.NpgsqlConnectionStringBuilder(o.ConnectionString)
                    : new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(o.ConnectionString);
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
