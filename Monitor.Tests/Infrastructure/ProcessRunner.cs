using System.Diagnostics;
using System.Text;

namespace Monitor.Tests.Infrastructure;

/// <summary>
/// The tests' one way to run programs: a command to completion (<see cref="RunAsync"/>), or a server kept running
/// with its output for diagnostics (<see cref="Start"/>); and where the tools are.
/// </summary>
public static class ProcessRunner
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs to the end and returns the exit code and the output (stdout and stderr interleaved).</summary>
    /// <exception cref="TimeoutException">It took longer than <paramref name="timeout"/> (2 minutes by default): it was killed.</exception>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args,
        string? stdin = null, TimeSpan? timeout = null, string? workingDirectory = null,
        IDictionary<string, string>? environment = null)
    {
        var arguments = args.ToList();
        using var process = Start(file, arguments, workingDirectory, environment, redirectStdin: stdin is not null);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in time:\n{process.Output}");
        }
        return (process.ExitCode, process.Output);
    }

    /// <summary>Starts a process and collects its output; disposing the result kills it (and its children).</summary>
    public static RunningProcess Start(string file, IEnumerable<string> args, string? workingDirectory = null,
        IDictionary<string, string>? environment = null, bool redirectStdin = false)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return new RunningProcess(info);
    }

    /// <summary>The path of a tool on PATH (or the one an environment variable names), or null.</summary>
    public static string? FindTool(string environmentVariable, params string[] names)
    {
        var fromEnv = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv)) return fromEnv;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var dirs = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return names.SelectMany(name => dirs.Select(dir => Path.Combine(dir, name))).FirstOrDefault(File.Exists);
    }

    public static string RequireTool(string environmentVariable, string debianPackage, params string[] names) =>
        FindTool(environmentVariable, names)
        ?? throw new InvalidOperationException(
            $"{names[0]} is not installed: apt-get install {debianPackage} (or set {environmentVariable} to its path)");
}

/// <summary>A process started by <see cref="ProcessRunner.Start"/>: its output so far; disposing kills it.</summary>
public sealed class RunningProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    internal RunningProcess(ProcessStartInfo info)
    {
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public StreamWriter StandardInput => _process.StandardInput;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        _process.WaitForExit(); // flushes the asynchronous output readers
    }

    /// <summary>SIGKILL to it and its children: no graceful shutdown, as in a crash.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
