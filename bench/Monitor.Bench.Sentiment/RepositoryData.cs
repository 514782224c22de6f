namespace Monitor.Bench.Sentiment;

/// <summary>Finds the evaluation data under <c>bench/data</c> of the repository the benchmark runs from.</summary>
internal static class RepositoryData
{
    /// <summary>
    /// The folder <paramref name="relative"/> (e.g. <c>bench/data/sentiment</c>) of the nearest enclosing
    /// repository, looked for upwards from the current directory and then from the program's own folder,
    /// so that the benchmark needs no path argument whether it is started from the repository root, from
    /// its project folder or through <c>dotnet run</c>. Null when neither is inside a checkout.
    /// </summary>
    public static string? Find(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
