using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Core.Ports;
using Monitor.Worker.Directory;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Evaluation;
using Monitor.Worker.Metrics;
using Monitor.Worker.Pulse;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;
using Monitor.Worker.Tickets;
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
        Prometheus.Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressEventCounters = true,
            SuppressMeters = true,
            SuppressDebugMetrics = true,
        });
        services.AddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        services.AddHostedService<ShutdownWatchdog>();
        services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));

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
        services.AddHostedService<MigrationService>();

        services.AddSingleton<IUserDirectorySource, CsvDirectorySource>();
        services.AddSingleton<DirectorySync>();
        services.AddSingleton<Evaluator>();

        builder.AddTickets();
        builder.AddPulse();
        builder.AddScheduling();
        services.AddSingleton<UserMetricsExporter>();
        services.AddHostedService(sp => sp.GetRequiredService<UserMetricsExporter>());
        services.AddMonitorHealthChecks();

        var endpoints = builder.Configuration.GetSection(EndpointOptions.Section).Get<EndpointOptions>() ?? new EndpointOptions();
        builder.WebHost.UseUrls(endpoints.Public, endpoints.Internal);
        return builder;
    }

    public static WebApplication MapMonitor(this WebApplication app)
    {
        app.UseRouting();
        app.UseListenerSeparation();
        app.UseAdminApiKey();
        MonitorMetrics.InitialiseKnownSeries(app.Services.GetRequiredService<ProbeCatalog>().Names);
        app.MapMetrics().OnListener(Listener.Internal);
        app.MapHealthEndpoints();
        app.MapAdminApi();
        app.MapTicketWebhooks();
        app.MapPulse();
        if (string.IsNullOrEmpty(app.Services.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey))
        {
            app.Logger.LogWarning("Admin:ApiKey is not set: the admin API refuses every request");
        }
        return app;
    }

    /// <summary>Binds a section, rejecting unknown keys, and validates it when the host starts.</summary>
    public static IServiceCollection AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services,
        IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>()
            .Bind(configuration.GetSection(section), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services;
    }

    /// <summary>Applies the schema before the scheduler and the exporter start (hosted services start in order).</summary>
    private sealed class MigrationService(Database db, ILogger<MigrationService> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await db.MigrateAsync(cancellationToken);
            logger.LogInformation("Store ready: {Provider}, schema current", db.IsPostgres ? "postgres" : "sqlite");
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

internal sealed class EvaluationOptionsValidator : IValidateOptions<EvaluationOptions>
{
    public ValidateOptionsResult Validate(string? name, EvaluationOptions options)
    {
        var failures = options.Validate().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
