using System.Net.Http.Headers;
using Prometheus;

namespace Monitor.Worker.Exporter;

/// <summary>
/// <c>/metrics</c>: the per-user families written from <see cref="UserSeries"/>, then everything registered with
/// prometheus-net. prometheus-net has no public way to plug in a collector of our own, so the endpoint is ours;
/// it negotiates the format as prometheus-net's <c>MapMetrics</c> does (the <c>Accept</c> header, or an
/// <c>accept</c> query parameter; OpenMetrics when asked for, else the text format 0.0.4). The user families come
/// first because OpenMetrics ends with <c># EOF</c>, which the registry writes.
/// </summary>
public static class MetricsEndpoint
{
    private const string TextType = "text/plain";
    private const string OpenMetricsType = "application/openmetrics-text";

    public static IEndpointConventionBuilder MapMonitorMetrics(this IEndpointRouteBuilder app, string pattern = "/metrics")
    {
        var series = app.ServiceProvider.GetRequiredService<UserSeries>();
        return app.Map(pattern, context => WriteAsync(context, series, Metrics.DefaultRegistry));
    }

    private static async Task WriteAsync(HttpContext context, UserSeries series, CollectorRegistry registry)
    {
        var format = Negotiate(context.Request);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = format == ExpositionFormat.OpenMetricsText
            ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
            : "text/plain; version=0.0.4; charset=utf-8";
        try
        {
            await WriteAsync(context.Response.Body, format, series, registry, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The scraper gave up; nothing to report.
        }
    }

    /// <summary>The whole exposition: what a scrape of <c>/metrics</c> returns (also used by the benchmark).</summary>
    public static async Task WriteAsync(Stream output, ExpositionFormat format, UserSeries series, CollectorRegistry registry,
        CancellationToken ct)
    {
        // One refresh's values throughout (UserSeries.ReadAsync); the registry is buffered so that a slow scraper holds
        // nothing the next refresh waits for.
        using var registryText = new MemoryStream();
        var snapshot = await series.ReadAsync(registry, format, registryText, ct);
        await UserSeriesWriter.WriteAsync(snapshot, output, format, ct);
        registryText.Position = 0;
        await registryText.CopyToAsync(output, ct);
    }

    private static ExpositionFormat Negotiate(HttpRequest request)
    {
        var accept = request.Query.TryGetValue("accept", out var fromQuery)
            ? string.Join(",", fromQuery.ToArray())
            : request.Headers.Accept.ToString();
        var candidates = accept.Split(',')
            .Select(c => MediaTypeWithQualityHeaderValue.TryParse(c, out var type) ? type : null)
            .OfType<MediaTypeWithQualityHeaderValue>()
            .OrderByDescending(t => t.Quality ?? 1);
        foreach (var candidate in candidates)
        {
            if (candidate.MediaType == TextType) break;
            if (candidate.MediaType == OpenMetricsType) return ExpositionFormat.OpenMetricsText;
        }
        return ExpositionFormat.PrometheusText;
    }
}
