using CsvHelper;
using Microsoft.Extensions.Options;
using Monitor.Core.Dependencies;
using Monitor.Worker.UserDirectory;

namespace Monitor.Worker.Dependencies;

/// <summary>
/// The dependency graph of this worker: the edges of <c>Dependencies:MappingFile</c> (read once, at start-up, after the
/// options validator has refused a bad file), or none.
/// </summary>
public sealed class DependencyMapping(IOptions<DependenciesOptions> options)
{
    private readonly Lazy<DependencyGraph> _graph = new(() =>
        string.IsNullOrWhiteSpace(options.Value.MappingFile) ? DependencyGraph.Empty
        : Load(options.Value.MappingFile).Graph ?? throw new InvalidOperationException("The mapping file was validated at start-up."));

    public DependencyGraph Graph => _graph.Value;

    /// <summary>Reads a mapping file: the graph, or every problem (a line number, a missing column, a cycle).</summary>
    public static (DependencyGraph? Graph, IReadOnlyList<string> Problems) Load(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, Path.GetFileName(path));
    }

    public static (DependencyGraph? Graph, IReadOnlyList<string> Problems) Parse(TextReader reader, string name)
    {
        var problems = new List<string>();
        var edges = new List<(string, string)>();
        var options = CsvInput.Options(problem => problems.Add($"{name} {problem}"));
        using var csv = CsvReader.Create(reader, options, leaveOpen: true);
        try
        {
            csv.ReadHeader();
            var header = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
            if (header.Count == 0) return (null, [$"{name}: the file is empty; expected the header child,parent"]);
            if (!header.Contains("child") || !header.Contains("parent"))
                return (null, [$"{name}: the header must name the columns child and parent (got {string.Join(",", header)})"]);
            while (csv.Read())
            {
                var child = csv.GetString(csv.Headers[header.IndexOf("child")]).Trim();
                var parent = csv.GetString(csv.Headers[header.IndexOf("parent")]).Trim();
                if (child.Length == 0 || parent.Length == 0)
                    problems.Add($"{name} line {csv.LineNumber}: child and parent must both be given");
                else if (child.Length > Incident.MaxParent || parent.Length > Incident.MaxParent)
                    problems.Add($"{name} line {csv.LineNumber}: a name is longer than {Incident.MaxParent} characters");
                else edges.Add((child, parent));
            }
        }
        catch (CsvFormatException e)
        {
            problems.Add($"{name}: malformed CSV: {e.Message.Split('\n')[0]}");
        }
        if (problems.Count > 0) return (null, problems);
        var (graph, cycles) = DependencyGraph.Build(edges);
        return (graph, cycles.Select(c => $"{name}: {c}").ToList());
    }
}
