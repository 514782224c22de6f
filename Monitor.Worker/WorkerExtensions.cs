using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Core.Ports;
using Monitor.Probes;
using Monitor.Worker.Actions;
using Monitor.Worker.Dependencies;
using Monitor.Worker.Downtime;
using Monitor.Worker.UserDirectory;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Evaluation;
using Monitor.Worker.Exporter;
using Monitor.Worker.Objectives;
using Monitor.Worker.Outreach;
using Monitor.Worker.Privacy;
using Monitor.Worker.Pulse;
using Monitor.Worker.Scheduling;
using Monitor.Worker.StaffConsole;
using Monitor.Worker.Storage;
using Monitor.Worker.Tickets;
using Monitor.Worker.Value;
using Prometheus;

namespace Monitor.Worker;

/// <summary>How the worker is composed: each concern registers itself here.</summary>
public static class WorkerExtensions
{
    public static WebApplicationBuilder AddMonitor(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // The runtime's event counters and meters carry names that break Prometheus's naming rules
        // (e.g. *_count gauges); process metrics stay.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressEventCounters = true,
            SuppressMeters = true,
            SuppressDebugMetrics = true,
        });
        services.AddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        services.AddHostedService<ShutdownWatchdog>();
        services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
        services.AddProblemDetails();

        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(builder.Configuration, StorageOptions.Section);
        services.AddValidatedOptions<DirectoryOptions, DirectoryOptionsValidator>(builder.Configuration, DirectoryOptions.Section);
        services.AddValidatedOptions<EvaluationOptions, EvaluationOptionsValidator>(builder.Configuration, EvaluationOptions.Section);
        services.AddValidatedOptions<MetricsOptions, MetricsOptionsValidator>(builder.Configuration, MetricsOptions.Section);
        services.AddValidatedOptions<EndpointOptions, EndpointOptionsValidator>(builder.Configuration, EndpointOptions.Section);
        services.AddValidatedOptions<AdminOptions, EndpointOptionsValidator>(builder.Configuration, AdminOptions.Section);

        // Storage: one Database, repositories over it, the ports the probes use.
        services.AddSingleton<Database>();
        services.AddSingleton<UserRepository>();
        services.AddSingleton<IUserLookup>(sp => sp.GetRequiredService<UserRepository>());
        services.AddSingleton<SignalRepository>();
        services.AddSingleton<ISignalSink>(sp => sp.GetRequiredService<SignalRepository>());
        services.AddSingleton<StateRepository>();
        services.AddSingleton<AcknowledgementRepository>();
        services.AddSingleton<WatermarkRepository>();
        services.AddSingleton<IWatermarkStore>(sp => sp.GetRequiredService<WatermarkRepository>());
        services.AddSingleton<JobRunRepository>();
        services.AddSingleton<BoardRepository>();
        services.TryAddSingleton<IAuditLog, NullAuditLog>();
        // Replaced by the downtime module when it is registered; until then nobody is ever in downtime.
        services.TryAddSingleton<IDowntimeCalendar, NoDowntime>();
        services.AddPrivacy(builder.Configuration);
        services.AddRetention(builder.Configuration);
        services.AddHostedService<MigrationService>();
        services.AddHostedService<InitialDirectorySync>();

        services.AddSingleton<IUserDirectorySource, CsvDirectorySource>();
        services.AddSingleton<DirectorySync>();
        services.AddSingleton<Evaluator>();

        builder.AddTickets();
        builder.AddPulse();
        builder.AddConsole();
        builder.AddValue();
        builder.AddActions();
        builder.AddDependencies();
        builder.AddObjectives();
        builder.AddDowntime();
        services.AddOutreach(builder.Configuration);
        services.AddMetricsContributor<Escalation.EscalationMetrics>();
        // The one setting needed while composing (which job store Quartz uses), validated before it is read.
        builder.AddScheduling(ValidatedOptions.Read(builder.Configuration, StorageOptions.Section, new StorageOptionsValidator()));
        services.AddSingleton<UserLabeler>();
        services.AddSingleton<UserSeries>();
        services.AddSingleton<UserMetricsExporter>();
        services.AddHostedService(sp => sp.GetRequiredService<UserMetricsExporter>());
        services.AddMonitorHealthChecks();
        SettingsLayout.AddSettingsLayoutCheck(services);
        services.AddPublicRateLimits(builder.Configuration);

        services.AddOptions<KestrelServerOptions>().Configure<IOptions<EndpointOptions>>((kestrel, endpoints) =>
        {
            ListenerExtensions.Listen(kestrel, endpoints.Value.Public, "Endpoints:Public");
            ListenerExtensions.Listen(kestrel, endpoints.Value.Internal, "Endpoints:Internal");
        });
        return builder;
    }

    public static WebApplication MapMonitor(this WebApplication app)
    {
        app.UseStoreOutage();
        // Here, not where WebApplication would put it (ahead of every middleware of ours): the console's session check reads
        // the store, and an outage there must reach UseStoreOutage (503 page) instead of Kestrel (500, empty body).
        app.UseAuthentication();
        app.UseRouting();
        app.UseListenerSeparation();
        app.UseRateLimiter();
        app.UseAdminApiKey();
        app.UseAdminProblemDetails();
        app.UsePublicFormErrors();
        app.UseNulInputRefusal();
        app.UsePrivacy();
        MonitorMetrics.InitialiseKnownSeries(app.Services.GetRequiredService<ProbeCatalog>().Names);
        app.MapMonitorMetrics().OnListener(Listener.Internal);
        app.MapHealthEndpoints();
        app.MapAdminApi();
        app.MapBulkSignals();
        app.MapTicketWebhooks();
        app.MapPulse();
        app.MapConsole();
        app.MapPrivacyApi();
        app.MapAuditPage();
        app.MapGroupComments();
        app.MapCampaigns();
        app.MapDependencies();
        app.MapActions();
        app.MapObjectives();
        app.MapDowntime();
        app.MapOutreach();
        app.MapDirectoryApi();
        if (string.IsNullOrEmpty(app.Services.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey))
        {
            app.Logger.LogWarning("Admin:ApiKey is not set: the admin API refuses every request");
        }
        return app;
    }

    /// <summary>
    /// Reads the directory once before the exporter's first refresh and before the listeners open, so that a
    /// ready worker exports every user. A bad export is logged and counted; the stored directory stays.
    /// </summary>
    private sealed class InitialDirectorySync(DirectorySync sync, ILogger<InitialDirectorySync> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            try
            {
                await sync.RunAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Directory sync at start-up failed; the scheduled sync retries");
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Applies the schema before the scheduler and the exporter start (hosted services start in order).</summary>
    private sealed class MigrationService(Database db, ILogger<MigrationService> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await StoreStartup.MigrateWhenReachableAsync(db, logger, cancellationToken);
            logger.LogInformation("Store ready: {Provider}, schema current", db.IsPostgres ? "postgres" : "sqlite");
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

internal sealed class EvaluationOptionsValidator : IValidateOptions<EvaluationOptions>
{
    public ValidateOptionsResult Validate(string? name, EvaluationOptions options)
    {
        var failures = options.Validate((list, i) => ValidatedOptions.ElementKey(options, list, i)).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
