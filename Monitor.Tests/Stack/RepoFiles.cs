using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Stack;

/// <summary>The repository's files, under <see cref="TestPaths.RepoRoot"/>.</summary>
public static class RepoFiles
{
    public static string Root => TestPaths.RepoRoot;

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));
}
