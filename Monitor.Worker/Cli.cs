using System.CommandLine;
using Microsoft.Extensions.Options;
using Monitor.Worker.Storage;

namespace Monitor.Worker;

/// <summary>
/// The verbs: none runs the monitor; <c>migrate</c> applies the schema and exits; <c>healthcheck</c> asks
/// the running worker's /healthz (for container health checks). Anything not a verb or option is passed
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
        root.SetAction(async (parse, ct) =>
        {
            var app = BuildApp([.. parse.UnmatchedTokens]);
            await app.RunAsync(ct);
            return 0;
        });

        var migrate = new Command("migrate", "Apply pending schema migrations to the configured store and exit.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        migrate.SetAction(async (parse, ct) =>
        {
            var app = BuildApp([.. parse.UnmatchedTokens]);
            await app.Services.GetRequiredService<Database>().MigrateAsync(ct);
            Console.WriteLine("Schema is current.");
            return 0;
        });
        root.Subcommands.Add(migrate);

        var url = new Option<string>("--url") { DefaultValueFactory = _ => "http://127.0.0.1:9464/healthz", Description = "The health URL to ask." };
        var health = new Command("healthcheck", "Exit 0 when the worker's /healthz answers 200.") { url };
        health.SetAction(async (parse, ct) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            try
            {
                using var response = await http.GetAsync(parse.GetValue(url), ct);
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (HttpRequestException)
            {
                return 1;
            }
        });
        root.Subcommands.Add(health);

        try
        {
            return await root.Parse(args).InvokeAsync();
        }
        catch (OptionsValidationException e)
        {
            // A bad setting: say which key and why, without a stack trace.
            foreach (var failure in e.Failures) await Console.Error.WriteLineAsync($"Invalid configuration: {failure}");
            return 2;
        }
        catch (InvalidOperationException e) when (e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"Invalid configuration: {e.Message}");
            return 2;
        }
    }

    public static WebApplication BuildApp(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json ships beside the binary; relative paths in it resolve from the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddMonitor();
        var app = builder.Build();
        app.MapMonitor();
        return app;
    }
}
