using System.CommandLine;
using Microsoft.Extensions.Options;
using Monitor.Core;
using Monitor.Probes.Tickets.Sentiment;
using Monitor.Worker.Storage;

namespace Monitor.Worker;

/// <summary>
/// The verbs: none runs the monitor; <c>migrate</c> applies the schema and exits; <c>healthcheck</c> asks
/// the running worker's /healthz (for container health checks); <c>sentiment</c> scores stdin line by line;
/// <c>erase --user &lt;id&gt;</c> answers an erasure request. Anything not a verb or option is passed
/// to the host as configuration, e.g. <c>--Storage:Provider=postgres</c>.
/// </summary>
public static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("satisfaction-monitor: watches end users' satisfaction like a network monitor watches links.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((parse, ct) => Guarded(async () =>
        {
            var app = BuildApp([.. parse.UnmatchedTokens]);
            // Read now: a host that fails to start is disposed before the exception reaches us.
            var listeners = app.Services.GetRequiredService<IOptions<Endpoints.EndpointOptions>>().Value;
            Endpoints.ListenerFailure.Probe(listeners);
            try
            {
                await app.RunAsync(ct);
            }
            catch (Exception e) when (Endpoints.ListenerFailure.Explain(e, listeners) is { } setting)
            {
                throw setting;
            }
            return 0;
        }));

        root.Subcommands.Add(MigrateCommand());

        var url = new Option<string>("--url") { DefaultValueFactory = _ => "http://127.0.0.1:9464/healthz", Description = "The health URL to ask." };
        var health = new Command("healthcheck", "Exit 0 when the worker's /healthz answers 200.") { url };
        health.SetAction(async (parse, ct) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            var target = parse.GetValue(url);
            try
            {
                using var response = await http.GetAsync(target, ct);
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            // Unreachable, no answer within 3 s, or not an http(s) URL at all: one line, never a stack trace.
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException
                                          or NotSupportedException or UriFormatException)
            {
                Console.Error.WriteLine($"healthcheck: {LogSafe.Value(target)}: {(e is TaskCanceledException ? "no answer within 3 s" : Echo(e.Message))}");
                return 1;
            }
        });
        root.Subcommands.Add(health);

        var language = new Option<string>("--language") { DefaultValueFactory = _ => "en", Description = "The analyser's language." };
        var sentiment = new Command("sentiment", "Read one text per line on stdin, print one score in [-1, 1] per line.") { language };
        // stdin as a plain reader: Console.In takes a lock on each call, and the verb reads a character at a time.
        sentiment.SetAction(parse =>
        {
            using var input = new StreamReader(Console.OpenStandardInput(), Console.InputEncoding);
            return SentimentCli.Run(input, Console.Out, Console.Error, parse.GetValue(language)!);
        });
        root.Subcommands.Add(sentiment);

        root.Subcommands.Add(EraseCommand());
        root.Subcommands.Add(UserDirectory.DirectoryCli.Create());

        // No termination timeout of System.CommandLine's own (two seconds by default, then exit 143): SIGTERM goes to the
        // host, which finishes jobs and the outbox batch in flight within HostOptions.ShutdownTimeout (issue 13).
        var parsed = root.Parse(args);
        // System.CommandLine's own errors quote the token ("Cannot parse argument '...' for option '--wait'"): escaped too.
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) await Console.Error.WriteLineAsync(Echo(error.Message));
            return 1;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>
    /// <c>migrate [--wait &lt;seconds&gt;]</c>: applies the schema. A PostgreSQL that cannot be reached is waited for like
    /// the worker's start-up does (one line per attempt), for at most <c>--wait</c> seconds (60; 0 tries once); then
    /// exit 3 with one line naming the store. Exit 2 is a bad setting, 1 a failing migration.
    /// </summary>
    private static Command MigrateCommand()
    {
        var wait = WaitOption();
        var migrate = new Command("migrate", "Apply pending schema migrations to the configured store and exit.") { wait };
        migrate.TreatUnmatchedTokensAsErrors = false;
        migrate.SetAction((parse, ct) => Guarded(async () =>
        {
            // Disposed before exit so that the console logger's queue (the attempts' lines) is written out.
            await using var app = BuildApp([.. parse.UnmatchedTokens]);
            await MigrateForVerbAsync(app, Wait(parse, wait), ct);
            Console.WriteLine("Schema is current.");
            return 0;
        }));
        return migrate;
    }

    /// <summary>
    /// <c>erase --user &lt;id&gt; [--wait &lt;seconds&gt;]</c>: an erasure request from the command line, as
    /// <c>DELETE /api/users/{id}/data</c>, recorded in the audit log as <c>cli:&lt;OS user&gt;</c>. Exit 0 erased, 1 nothing
    /// held about that id, 2 bad settings, 3 the store did not answer within <c>--wait</c> seconds (60).
    /// </summary>
    private static Command EraseCommand()
    {
        var user = new Option<string>("--user") { Required = true, Description = "The id of the person whose data is erased." };
        var wait = WaitOption();
        var erase = new Command("erase", "Erase one person's signals, comments, pulses, states and visits; aggregates stay.")
        {
            user,
            wait,
        };
        erase.TreatUnmatchedTokensAsErrors = false;
        erase.SetAction((parse, ct) => Guarded(async () =>
        {
            await using var app = BuildApp([.. parse.UnmatchedTokens]);
            await MigrateForVerbAsync(app, Wait(parse, wait), ct);
            var id = parse.GetValue(user)!;
            var erased = await app.Services.GetRequiredService<Monitor.Worker.Privacy.PersonalData>()
                .EraseAsync(id, $"cli:{Environment.UserName}", ct);
            if (erased is null)
            {
                await Console.Error.WriteLineAsync($"No user '{LogSafe.Value(id)}' in the directory and nothing held about them.");
                return 1;
            }
            Console.WriteLine($"Erased '{LogSafe.Value(id)}': {erased.Signals} signals, {erased.StateChanges} state changes, " +
                              $"{erased.Acknowledgements} acknowledgements, {erased.Pulses} pulses" +
                              string.Concat(erased.Linked.Select(l => $", {l.Value} {l.Key}")) + ".");
            return 0;
        }));
        return erase;
    }

    /// <summary>
    /// <c>--wait &lt;seconds&gt;</c> of the verbs that need the store (<c>migrate</c>, <c>erase</c>, <c>directory-sync</c>): how
    /// long an unreachable PostgreSQL is waited for before exit 3 (60; 0 tries once).
    /// </summary>
    internal static Option<int> WaitOption()
    {
        var wait = new Option<int>("--wait")
        {
            DefaultValueFactory = _ => 60,
            Description = "Seconds to wait for an unreachable PostgreSQL before giving up (0: try once).",
        };
        wait.Validators.Add(r =>
        {
            // Read from the token: GetValueOrDefault throws on one that is not a number ('--wait x' was an unhandled exception,
            // exit 134 with a stack trace); that one is left to the parser's own error.
            if (r.Tokens is [{ } token] && int.TryParse(token.Value, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds < 0)
                r.AddError("--wait must be 0 or more seconds.");
        });
        return wait;
    }

    internal static TimeSpan Wait(ParseResult parse, Option<int> wait) => TimeSpan.FromSeconds(parse.GetValue(wait));

    /// <summary>A verb's schema step: waits for PostgreSQL like the worker's start-up, but only for <paramref name="wait"/>.</summary>
    internal static Task MigrateForVerbAsync(WebApplication app, TimeSpan wait, CancellationToken ct) =>
        StoreStartup.MigrateWhenReachableAsync(app.Services.GetRequiredService<Database>(),
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Monitor.Worker.Cli"), ct, giveUpAfter: wait);

    /// <summary>
    /// A bad setting ends the process with exit code 2 and one line per problem, naming the key; a store that never
    /// answered, with exit code 3 and one line naming the store.
    /// </summary>
    internal static async Task<int> Guarded(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (StoreUnreachableException e)
        {
            await Console.Error.WriteLineAsync($"Nothing done: {Echo(e.Message)}");
            return 3;
        }
        catch (OptionsValidationException e)
        {
            return await ReportAsync([e]);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            // Start-up validation collects one exception per options type that failed.
            return await ReportAsync(e.InnerExceptions.Cast<OptionsValidationException>());
        }
    }

    private static async Task<int> ReportAsync(IEnumerable<OptionsValidationException> errors)
    {
        foreach (var failure in errors.SelectMany(e => e.Failures).Distinct())
            await Console.Error.WriteLineAsync($"Invalid configuration: {Echo(failure)}");
        return 2;
    }

    /// <summary>
    /// A message that may quote what the operator typed (an id, a URL, a setting's value), through the logs' escaping:
    /// raw, an escape sequence in it would be obeyed by the operator's terminal (retitle it, clear it, rewrite lines).
    /// Whole: the messages are ours and bounded, only the values in them are someone's input.
    /// </summary>
    internal static string Echo(string message) => LogSafe.Value(message, int.MaxValue)!;

    /// <param name="configure">Extra registrations after the monitor's own (a test's pulse channel), before the build.</param>
    public static WebApplication BuildApp(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json ships beside the binary; relative paths in it resolve from the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddMonitor();
        configure?.Invoke(builder);
        var app = builder.Build();
        // Validate every option now, so a bad setting is reported before anything starts or logs.
        app.Services.GetService<IStartupValidator>()?.Validate();
        app.MapMonitor();
        return app;
    }
}
