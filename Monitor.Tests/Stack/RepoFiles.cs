namespace Monitor.Tests.Stack;

/// <summary>The repository's files, found by walking up from the test assembly to satisfaction-monitor.sln.</summary>
public static class RepoFiles
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "satisfaction-monitor.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No satisfaction-monitor.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));
}
