# satisfaction-monitor worker image.
#   docker build -t satisfaction-monitor .
#   docker run -p 127.0.0.1:8080:8080 -p 127.0.0.1:9464:9464 -e Admin__ApiKey=... satisfaction-monitor
# Listeners: 8080 public (end users' pulse pages), 9464 internal (/metrics, /healthz, /readyz, admin API).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so that the layer is reused while no package changes.
COPY satisfaction-monitor.sln Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Monitor.Core/Monitor.Core.csproj Monitor.Core/
COPY Monitor.Probes/Monitor.Probes.csproj Monitor.Probes/
COPY Monitor.Worker/Monitor.Worker.csproj Monitor.Worker/
RUN dotnet restore Monitor.Worker/Monitor.Worker.csproj
COPY Monitor.Core/ Monitor.Core/
COPY Monitor.Probes/ Monitor.Probes/
COPY Monitor.Worker/ Monitor.Worker/
RUN dotnet publish Monitor.Worker/Monitor.Worker.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# The embedded SQLite store (the default); mount a volume here, or use PostgreSQL (docker-compose.yml).
RUN mkdir -p /var/lib/satisfaction-monitor && chown "$APP_UID" /var/lib/satisfaction-monitor
COPY --from=build /app ./
# The sample directory, so that the image runs on its own; mount your export and set Directory__CsvPath.
COPY samples/users.csv /app/samples/users.csv
ENV Endpoints__Public=http://0.0.0.0:8080 \
    Endpoints__Internal=http://0.0.0.0:9464 \
    Storage__Provider=sqlite \
    Storage__ConnectionString="Data Source=/var/lib/satisfaction-monitor/monitor.db" \
    Directory__CsvPath=/app/samples/users.csv \
    Mail__PickupDirectory=/var/lib/satisfaction-monitor/mail-pickup \
    ASPNETCORE_HTTP_PORTS=
EXPOSE 8080 9464
VOLUME /var/lib/satisfaction-monitor
# The image's non-root user (APP_UID, 1654).
USER $APP_UID
# The aspnet image has no curl: the worker's own `healthcheck` verb asks the internal listener's
# /healthz on 127.0.0.1:9464 and exits 0 on 200.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["dotnet", "/app/Monitor.Worker.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "/app/Monitor.Worker.dll"]
