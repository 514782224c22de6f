using System.CommandLine;
using Monitor.Worker.Storage;

namespace Monitor.Worker.UserDirectory;

/// <summary>
/// <c>directory-sync [--confirm-removal] [--wait &lt;seconds&gt;]</c>: reads the directory once and exits; with the flag, an
/// operator confirms an import that removes more than <c>Directory:MaxRemovalShare</c> of the users.
/// Exit 0 imported, 1 refused (the reasons on stderr), 2 bad settings, 3 the store did not answer within <c>--wait</c>
/// seconds (60).
/// </summary>
public static class DirectoryCli
{
    public static Command Create()
    {
        var confirm = new Option<bool>("--confirm-removal")
        {
            Description = "Import even when it removes more than Directory:MaxRemovalShare of the users.",
        };
        var wait = Cli.WaitOption();
        var command = new Command("directory-sync", "Read the directory once, print what changed, and exit.") { confirm, wait };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, ct) => Cli.Guarded(async () =>
        {
            await using var app = Cli.BuildApp([.. parse.UnmatchedTokens]);
            await Cli.MigrateForVerbAsync(app, Cli.Wait(parse, wait), ct);
            var confirmed = parse.GetValue(confirm);
            var result = await app.Services.GetRequiredService<DirectorySync>().RunAsync(ct, confirmed);
            if (!result.Success)
            {
                foreach (var error in result.Errors) await Console.Error.WriteLineAsync(Cli.Echo(error));
                return 1;
            }
            Console.WriteLine($"Directory imported: {result.Changes!.Joined} joined, {result.Changes.Updated} updated, " +
                              $"{result.Changes.Left} left{(confirmed ? " (removal confirmed)" : "")}.");
            return 0;
        }));
        return command;
    }
}
