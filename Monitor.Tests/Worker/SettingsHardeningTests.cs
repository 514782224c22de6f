using System.Net;
using System.Net.Sockets;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Worker;

/// <summary>Settings the worker used to accept when wrong (issue 13): each stops it with exit 2 and the key named.</summary>
public sealed class SettingsHardeningTests
{
    private const string SigningKey = "Pulse__SigningKeys__0=a-signing-key-long-enough-0123456789";

    private const string Jira = "Tickets__Jira__Enabled=true|Tickets__Jira__BaseUrl=http://127.0.0.1:9/|Tickets__Jira__Email=a@b.c|" +
                                "Tickets__Jira__ApiToken=token";

    private const string Oidc = "Console__Oidc__Authority=http://127.0.0.1:9/|Console__Oidc__ClientId=c|Console__Oidc__StaffRoles__0=it";

    [TestCase("Metrcs__PseudonymiseUsers=true", "Metrcs is not a setting the worker reads (did you mean 'Metrics'?)")]
    [TestCase("Tickets__Jirra__BaseUrl=https://jira.example.com", "Tickets:Jirra is not a setting the worker reads (did you mean 'Jira'?)")]
    [TestCase("Pulse__NoAnswerWeight=NaN", "Pulse:NoAnswerWeight must be in (0, 1] (got NaN)")]
    [TestCase("Pulse__DailySampleRate=NaN", "Pulse:DailySampleRate must be in (0, 1] (got NaN)")]
    [TestCase("Storage__ConnectionString=Data Source=:memory:", "Storage:ConnectionString must name a database file")]
    [TestCase("Storage__ConnectionString=Data Source=", "Storage:ConnectionString must name a database file")]
    [TestCase("Storage__ConnectionString=Data Source=m.db;Mode=Memory", "Storage:ConnectionString must name a database file")]
    [TestCase("Pulse__Scanner__HoneypotQuarantine=-00:10:00", "Pulse:Scanner:HoneypotQuarantine must not be negative")]
    [TestCase("Pulse__BusinessDays__0=9", "Pulse:BusinessDays:0 holds 9, which is not a day of the week")]
    [TestCase("Pulse__PublicBaseUrl=http://pulse.example.com/?x=1|" + SigningKey,
        "Pulse:PublicBaseUrl must not have a query or a fragment")]
    [TestCase("Pulse__PublicBaseUrl=http://pulse.example.com/#top|" + SigningKey,
        "Pulse:PublicBaseUrl must not have a query or a fragment")]
    [TestCase("Admin__ApiKey=                ", "Admin:ApiKey must be at least 16 characters without surrounding spaces")]
    [TestCase("Mail__PickupDirectory=/proc/mail-pickup", "Mail:PickupDirectory '/proc/mail-pickup' cannot be written")]
    [TestCase("Mail__Outbox__Connections=0", "Mail:Outbox:Connections must be in [1, 16] (got 0)")]
    [TestCase("Mail__Outbox__Connections=17", "Mail:Outbox:Connections must be in [1, 16] (got 17)")]
    [TestCase("Pulse__LinkValidity=10000.00:00:00", "Pulse:LinkValidity must be at most 90 days")]
    [TestCase("Directory__MaxRemovalShare=NaN", "Directory:MaxRemovalShare must be between 0 and 1")]
    [TestCase("Evaluation__Flapping__HighPercent=NaN", "Evaluation:Flapping must satisfy 0 < LowPercent <= HighPercent <= 100")]
    [TestCase("Tickets__Webhook__MinimumSentimentConfidence=NaN", "Tickets:Webhook:MinimumSentimentConfidence must be between 0 and 1")]
    // The second sweep (a worker started with one wrong setting each): these were accepted, or stopped it with exit 1.
    [TestCase("Pulse__Cron=0 0 0 30 2 ?", "Pulse:Cron is not a valid Quartz cron expression that fires")]
    [TestCase("Pulse__Cron=0 0 0 1 1 ? 2000", "Pulse:Cron is not a valid Quartz cron expression that fires")]
    [TestCase("Pulse__Cron=99 * * * * ?", "Pulse:Cron is not a valid Quartz cron expression that fires (got '99 * * * * ?')")]
    [TestCase("Outreach__Digest__Cron=0 0/90 * * * ?", "Outreach:Digest:Cron '0 0/90 * * * ?' is not a Quartz cron expression that fires")]
    [TestCase("Outreach__Digest__Cron=0 0 0 30 2 ?", "Outreach:Digest:Cron '0 0 0 30 2 ?' is not a Quartz cron expression that fires")]
    [TestCase("Tickets__Jira__Schedule=0 0 0 30 2 ?|" + Jira, "Tickets:Jira:Schedule '0 0 0 30 2 ?' is not a valid Quartz cron expression that fires")]
    [TestCase("Storage__ConnectionString=Data Source=/tmp", "Storage:ConnectionString names '/tmp', which is a folder")]
    [TestCase("Storage__ConnectionString=Data Source=/proc/sm/m.db", "Storage:ConnectionString names '/proc/sm/m.db', whose folder cannot be written")]
    [TestCase("Storage__ConnectionString=Data Source=file::memory:?cache=shared", "Storage:ConnectionString must name a database file")]
    [TestCase("Mail__Outbox__PollInterval=10000.00:00:00", "Mail:Outbox:PollInterval must be positive and at most 00:10:00")]
    [TestCase("Mail__Outbox__Lease=10675199.02:48:05.4775807", "Mail:Outbox:Lease must be between 00:00:05 and 01:00:00")]
    [TestCase("Mail__Outbox__MaxBackoff=10000.00:00:00", "Mail:Outbox:MaxBackoff must be positive and at most 1.00:00:00")]
    [TestCase("Mail__Smtp__Timeout=10000.00:00:00", "Mail:Smtp:Timeout must be positive and at most 00:10:00")]
    [TestCase("Mail__Smtp__Host=127.0.0.1:25", "Mail:Smtp:Host must be a host name or an IP address, without port or scheme")]
    [TestCase("Mail__Smtp__Host=smtp://127.0.0.1", "Mail:Smtp:Host must be a host name or an IP address")]
    [TestCase("Mail__Smtp__Host= ", "Mail:Smtp:Host must be a host name or an IP address")]
    [TestCase("Mail__Smtp__Security=99", "Mail:Smtp:Security must be one of None, Auto, SslOnConnect, StartTls, StartTlsWhenAvailable")]
    [TestCase("Mail__Smtp__User=u|Mail__Smtp__Password= ", "Mail:Smtp:Password is required when Mail:Smtp:User is set")]
    [TestCase("Pulse__SigningKeys__0=                                        ", "Pulse:SigningKeys:0 must be at least 32 characters other than spaces")]
    [TestCase("Metrics__PseudonymiseUsers=true|Metrics__PseudonymKey=                    ", "Metrics:PseudonymKey must be at least 16 characters")]
    [TestCase("Privacy__PseudonymKey=                ", "Privacy:PseudonymKey must be at least 16 characters")]
    [TestCase("Tickets__Webhook__Secret=                    ", "Tickets:Webhook:Secret must be at least 16 characters other than spaces")]
    [TestCase("Tickets__Webhook__BearerToken=                    ", "Tickets:Webhook:BearerToken must be at least 16 characters other than spaces")]
    [TestCase("Tickets__Webhook__ZendeskSigningSecret=short", "Tickets:Webhook:ZendeskSigningSecret must be at least 16 characters other than spaces")]
    [TestCase("Console__LocalAccount__Password=            ", "Console:LocalAccount:Password must be at least 12 characters other than spaces")]
    [TestCase("Console__Oidc__Authority= ", "Console:Oidc:Authority is blank")]
    [TestCase("Console__Oidc__ClientSecret= |" + Oidc, "Console:Oidc:ClientSecret is blank")]
    [TestCase("Dependencies__MappingFile= ", "Dependencies:MappingFile is blank")]
    [TestCase("Objectives__Sites__=0.9", "Objectives:Sites: has no group name")]
    [TestCase(Jira + "|Tickets__Jira__BaseUrl=http://127.0.0.1:9/jira?x=1", "Tickets:Jira:BaseUrl must be an absolute http(s) URL without a query or a fragment")]
    [TestCase("Tickets__Jira__AttemptTimeout=10000.00:00:00|" + Jira, "Tickets:Jira:AttemptTimeout must be more than 0 and at most 00:10:00")]
    [TestCase("Tickets__Jira__RetryBaseDelay=10000.00:00:00|" + Jira, "Tickets:Jira:RetryBaseDelay must be more than 0 and at most 00:10:00")]
    [TestCase("Tickets__Jira__CircuitBreakDuration=10000.00:00:00|" + Jira, "Tickets:Jira:CircuitBreakDuration must be between 00:00:00.5 and 1.00:00:00")]
    [TestCase("Tickets__Jira__InitialLookback=10675199.02:48:05.4775807|" + Jira, "Tickets:Jira:InitialLookback must be more than 0 and at most 3650.00:00:00")]
    [TestCase("Directory__Interval=10675199.02:48:05.4775807", "Directory:Interval must be between 00:00:01 and 1.00:00:00")]
    [TestCase("Pulse__MinimumInterval=10675199.02:48:05.4775807", "Pulse:MinimumInterval must be at most 3650 days")]
    [TestCase("Pulse__FollowUpAfter=10000.00:00:00", "Pulse:FollowUpAfter must be at most 3650 days")]
    [TestCase("Pulse__Scanner__MinimumAfterSend=10000.00:00:00", "Pulse:Scanner:MinimumAfterSend must be between 00:00:00 and 01:00:00")]
    [TestCase("Pulse__Scanner__BurstWindow=01:00:01", "Pulse:Scanner:BurstWindow must be positive and at most 01:00:00")]
    [TestCase("Pulse__Scanner__HoneypotQuarantine=10000.00:00:00", "Pulse:Scanner:HoneypotQuarantine must be at most 01:00:00")]
    [TestCase("Retention__JobRuns=10675199.02:48:05.4775807", "Retention:JobRuns must be at most 3650.00:00:00")]
    [TestCase("Retention__Signals=10000.00:00:00", "Retention:Signals must be at most 3650.00:00:00")]
    [TestCase("Privacy__CommentRetention=10675199.02:48:05.4775807", "Privacy:CommentRetention must be at least 1.00:00:00 and at most 3650.00:00:00")]
    [TestCase("Privacy__NoteRetention=10000.00:00:00", "Privacy:NoteRetention must be at least 1.00:00:00 and at most 3650.00:00:00")]
    [TestCase("Actions__FollowUpAfter=10675199.02:48:05.4775807", "Actions:FollowUpAfter must be positive and at most 3650.00:00:00")]
    [TestCase("Actions__FollowUpInterval=10000.00:00:00", "Actions:FollowUpInterval must be between one second and 1.00:00:00")]
    [TestCase("Actions__FeedbackWithoutActionAfter=10000.00:00:00", "Actions:FeedbackWithoutActionAfter must be positive and at most 3650.00:00:00")]
    [TestCase("Downtime__KeepEnded=10675199.02:48:05.4775807", "Downtime:KeepEnded must be between 1.00:00:00 and 3660.00:00:00")]
    [TestCase("Admin__MaxSignalAge=36:00:00", "Admin:MaxSignalAge '36:00:00' would be read as 36 days")]
    [TestCase("Mail__Outbox__Lease=25:00:00", "Mail:Outbox:Lease '25:00:00' would be read as 25 days")]
    [TestCase("Pulse__QuietUntil=", "Pulse:QuietUntil is blank")]
    [TestCase("Mail__Smtp__Hots=127.0.0.1", "Mail:Smtp:Hots is not a setting the worker reads (known here: Host, Password, Port, Security, Timeout, User)")]
    [TestCase("Pulse__Scanner__BurstWindw=00:00:10", "Pulse:Scanner:BurstWindw is not a setting the worker reads")]
    // A list's wrong element is named by its own key, as configured (the binder packs a list, so the key, not the
    // position in the bound list: Pulse:SigningKeys:1 set alone was named Pulse:SigningKeys:0).
    [TestCase("Pulse__BusinessDays__0=Monday|Pulse__BusinessDays__3=9", "Pulse:BusinessDays:3 holds 9, which is not a day of the week")]
    [TestCase("Pulse__SigningKeys__1=short", "Pulse:SigningKeys:1 must be at least 32 characters other than spaces")]
    [TestCase("Pulse__Factors__Good__5=Not a key", "Pulse:Factors:Good:5 must be a short identifier")]
    [TestCase("Outreach__Digest__Recipients__4=nobody", "Outreach:Digest:Recipients:4 'nobody' is not an e-mail address")]
    [TestCase("Evaluation__HardSignal__Kinds__2=Not a kind", "Evaluation:HardSignal:Kinds:2 is 'Not a kind', which is not a signal kind")]
    [TestCase(Oidc + "|Console__Oidc__StaffRoles__1= ", "Console:Oidc:StaffRoles:1 is empty")]
    [TestCase(Oidc + "|Console__Oidc__ViewerRoles__7= ", "Console:Oidc:ViewerRoles:7 is empty")]
    [TestCase(Oidc + "|Console__Oidc__Scopes__2=two words", "Console:Oidc:Scopes:2 must be a single word without spaces")]
    [TestCase(Oidc + "|Console__Oidc__RecheckInterval=00:00:10", "Console:Oidc:RecheckInterval must be between 00:01:00 and 1.00:00:00")]
    [TestCase("Directory__CsvPath=/dev/null", "Directory:CsvPath names '/dev/null', which is empty or not a regular file")]
    [TestCase("Evaluation__HalfLife=01:00:00", "Evaluation:HalfLife must be at least Evaluation:Window / 500 (04:19:12; got 01:00:00)")]
    [TestCase("Evaluation__HalfLife=10000.00:00:00", "Evaluation:HalfLife must be positive and at most 3650.00:00:00")]
    // A configured question set's blank question was reported as "Pulse:QuestionSet 'x' is not a question set" (and not at
    // all when the set was not Pulse:QuestionSet, though a campaign may ask it): now the question's own key.
    [TestCase("Pulse__QuestionSet=custom|Pulse__QuestionSets__custom__0=How is IT?|Pulse__QuestionSets__custom__1= ",
        "Pulse:QuestionSets:custom:1 is blank")]
    [TestCase("Pulse__QuestionSets__spare__0=How is IT?|Pulse__QuestionSets__spare__4= ", "Pulse:QuestionSets:spare:4 is blank")]
    [TestCase("Pulse__QuestionSets__custom__0=How is IT?|Pulse__QuestionSetTranslations__custom__fr__0= ",
        "Pulse:QuestionSetTranslations:custom:fr:0 is blank")]
    public async Task A_wrong_setting_stops_the_worker_with_exit_2_naming_the_key(string settings, string message)
    {
        var env = Environment();
        foreach (var pair in settings.Split('|'))
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            env[pair[..at]] = pair[(at + 1)..];
        }
        await AssertRefusedAsync(env, message);
    }

    [Test]
    public async Task Values_at_the_new_bounds_still_start_the_worker()
    {
        // StartAsync waits until /readyz answers 200, and throws with the log if the worker exits.
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Mail:PickupDirectory"] = TestPaths.NewTempDir("sm-pickup"),
            ["Mail:Smtp:Host"] = "mail_relay", // a container network's name: underscores are taken
            ["Mail:Outbox:Lease"] = "01:00:00",
            ["Pulse:Scanner:BurstWindow"] = "01:00:00",
            ["Pulse:QuietUntil"] = "08:00",
            ["Admin:MaxSignalAge"] = "23:00:00",
            ["Retention:Signals"] = "3650.00:00:00",
            ["Pulse:SigningKeys:0"] = "  a-signing-key-long-enough-0123456789  ",
        });
        Assert.That(worker.HasExited, Is.False, worker.Log);
    }

    [Test]
    public async Task A_fifo_as_the_directory_file_is_exit_2_naming_the_key()
    {
        // It started, and its first directory sync waited for a writer forever.
        var fifo = Path.Combine(TestPaths.NewTempDir("sm-fifo"), "users.csv");
        var (made, output) = await ProcessRunner.RunAsync("mkfifo", [fifo]);
        Assert.That(made, Is.EqualTo(0), output);
        var env = Environment();
        env["Directory__CsvPath"] = fifo;
        await AssertRefusedAsync(env, $"Directory:CsvPath names '{fifo}', which is empty or not a regular file");
    }

    [Test]
    public async Task A_public_port_in_use_is_exit_2_naming_the_key()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var env = Environment();
        env["Endpoints__Public"] = $"http://127.0.0.1:{port}";
        await AssertRefusedAsync(env, $"Endpoints:Public (http://127.0.0.1:{port}) cannot be opened");
    }

    [Test]
    public async Task Https_without_a_certificate_is_exit_2_naming_the_key()
    {
        var env = Environment();
        env["Endpoints__Internal"] = $"https://127.0.0.1:{TestPaths.FreePort()}";
        env["HOME"] = TestPaths.NewTempDir("sm-nohome"); // no developer certificate to fall back on
        await AssertRefusedAsync(env, "Endpoints:Internal (https://127.0.0.1:");
    }

    private static Dictionary<string, string> Environment() => new()
    {
        ["Directory__CsvPath"] = TestPaths.Samples("users.csv"),
        ["Endpoints__Public"] = $"http://127.0.0.1:{TestPaths.FreePort()}",
        ["Endpoints__Internal"] = $"http://127.0.0.1:{TestPaths.FreePort()}",
        ["Storage__ConnectionString"] = $"Data Source={Path.Combine(TestPaths.NewTempDir("sm-cfg"), "m.db")}",
        ["Mail__PickupDirectory"] = TestPaths.NewTempDir("sm-pickup"),
    };

    private static async Task AssertRefusedAsync(Dictionary<string, string> env, string message)
    {
        var (code, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll], environment: env,
            timeout: TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain(message));
        Assert.That(output, Does.Not.Contain("   at "), "no stack trace for a bad setting");
    }
}
