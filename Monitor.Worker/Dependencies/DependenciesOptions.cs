using Microsoft.Extensions.Options;
using Monitor.Worker.UserDirectory;

namespace Monitor.Worker.Dependencies;

/// <summary>What users hang under besides their site and department. Bound from <c>Dependencies</c>.</summary>
public sealed class DependenciesOptions
{
    public const string Section = "Dependencies";

    /// <summary>
    /// A CSV file with the columns <c>child,parent</c> (docs/dependencies.md); empty: users hang under their site and
    /// department only. Read at start-up: a bad row or a cycle stops the worker (exit 2).
    /// </summary>
    public string MappingFile { get; set; } = "";

    /// <summary>
    /// Read major incidents from the enabled ticket systems that flag them (ServiceNow), on their schedule, and open
    /// and resolve incidents with them (docs/dependencies.md). Off by default.
    /// </summary>
    public bool MajorIncidents { get; set; }
}

internal sealed class DependenciesOptionsValidator : IValidateOptions<DependenciesOptions>
{
    public ValidateOptionsResult Validate(string? name, DependenciesOptions o)
    {
        var key = $"{DependenciesOptions.Section}:{nameof(o.MappingFile)}";
        if (o.MappingFile.Length == 0) return ValidateOptionsResult.Success;
        if (string.IsNullOrWhiteSpace(o.MappingFile))
            return ValidateOptionsResult.Fail($"{key} is blank: leave it out, or name the CSV file.");
        if (!File.Exists(o.MappingFile))
            return ValidateOptionsResult.Fail($"{key} names '{Path.GetFullPath(o.MappingFile)}', which does not exist or is a folder.");
        try
        {
            if (CsvInput.NotARegularFile(o.MappingFile) is { } why)
                return ValidateOptionsResult.Fail($"{key} names '{Path.GetFullPath(o.MappingFile)}', which {why}.");
        }
        catch (IOException e)
        {
            return ValidateOptionsResult.Fail($"{key} names '{Path.GetFullPath(o.MappingFile)}', which cannot be read: {e.Message}");
        }
        var (_, problems) = DependencyMapping.Load(o.MappingFile);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => $"{key}: {p}"));
    }
}
