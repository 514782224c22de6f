using System.Text.RegularExpressions;
using Monitor.Tests.Infrastructure;
using NUnit.Framework;

namespace Monitor.Tests.Stack;

/// <summary>What can be checked of the image and the compose stack without a Docker engine.</summary>
[TestFixture]
[Category("Stack")]
public class DockerTests
{
    /// <summary>The worker's listeners and their defaults (Endpoints:Public, Endpoints:Internal).</summary>
    public const int PublicPort = 8080;
    public const int InternalPort = 9464;

    private static string Dockerfile => RepoFiles.Read("Dockerfile");

    /// <summary>Dockerfile instructions with their continuation lines joined.</summary>
    private static List<(string Instruction, string Arguments)> Instructions()
    {
        var joined = Regex.Replace(Dockerfile, @"\\\r?\n", " ");
        return joined.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => { var i = l.IndexOf(' ', StringComparison.Ordinal); return (l[..i].ToUpperInvariant(), l[(i + 1)..].Trim()); })
            .ToList();
    }

    private static Dictionary<string, string> DockerfileEnv()
    {
        var env = new Dictionary<string, string>();
        foreach (var (_, args) in Instructions().Where(i => i.Instruction == "ENV"))
        {
            foreach (Match m in Regex.Matches(args, @"([A-Za-z_][A-Za-z0-9_]*)=(""[^""]*""|\S*)"))
            {
                env[m.Groups[1].Value] = m.Groups[2].Value.Trim('"');
            }
        }

        return env;
    }

    private static Dictionary<object, object> Compose => YamlFile.Load("docker-compose.yml");

    private static Dictionary<object, object> Service(string name) => Compose.Map("services").Map(name);

    [Test]
    public void The_image_is_built_in_two_stages_from_the_dotnet_10_images()
    {
        var from = Instructions().Where(i => i.Instruction == "FROM").Select(i => i.Arguments).ToList();
        Assert.That(from, Has.Count.EqualTo(2));
        Assert.That(from[0], Does.StartWith("mcr.microsoft.com/dotnet/sdk:10.0"));
        Assert.That(from[1], Does.StartWith("mcr.microsoft.com/dotnet/aspnet:10.0"));
        Assert.That(Instructions().Where(i => i.Instruction == "USER").Select(i => i.Arguments), Has.Some.Not.EqualTo("root").And.Not.EqualTo("0"));
    }

    [Test]
    public async Task The_dotnet_publish_the_dockerfile_runs_succeeds()
    {
        var publish = Instructions().Single(i => i.Instruction == "RUN" && i.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal)).Arguments;
        Assert.That(publish, Does.Contain("Monitor.Worker/Monitor.Worker.csproj").And.Contain("-c Release").And.Contain("-o /app"));
        var output = Path.Combine(Path.GetTempPath(), "satisfaction-publish-" + Guid.NewGuid().ToString("N"));
        try
        {
            var arguments = publish.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(a => a == "/app" ? output : a)
                .Append("--nologo").ToList();
            var (exitCode, log) = await ProcessRunner.RunAsync("dotnet", arguments,
                timeout: TimeSpan.FromMinutes(8), workingDirectory: RepoFiles.Root);
            Assert.That(exitCode, Is.Zero, $"dotnet {string.Join(' ', arguments)} failed:\n{log}");
            Assert.That(File.Exists(Path.Combine(output, "Monitor.Worker.dll")), $"no Monitor.Worker.dll in {output}");
            await TheImageLayoutStartsWithTheDockerfileEnvironment(output);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    /// <summary>
    /// Lays the published output out as the image does (its COPY lines into /app), runs it with the
    /// Dockerfile's ENV — /app and the data volume mapped to temp folders, the ports to free loopback
    /// ports — and asks it with the HEALTHCHECK's own verb.
    /// </summary>
    private static async Task TheImageLayoutStartsWithTheDockerfileEnvironment(string app)
    {
        var volume = Path.Combine(Path.GetTempPath(), "satisfaction-volume-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(volume);
        foreach (var (_, args) in Instructions().Where(i => i.Instruction == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal)
                     && i.Arguments.Split(' ')[^1].StartsWith("/app/", StringComparison.Ordinal)))
        {
            var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var target = Path.Combine(app, parts[^1]["/app/".Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(RepoFiles.PathOf(parts[0]), target);
        }
        var internalPort = TestPaths.FreePort();
        var environment = Instructions().Where(i => i.Instruction == "ENV").SelectMany(i => EnvPairs(i.Arguments)).ToDictionary(
            e => e.Key,
            e => e.Value.Replace("/var/lib/satisfaction-monitor", volume, StringComparison.Ordinal)
                .Replace("/app/", app + "/", StringComparison.Ordinal));
        environment["Endpoints__Public"] = $"http://127.0.0.1:{TestPaths.FreePort()}";
        environment["Endpoints__Internal"] = $"http://127.0.0.1:{internalPort}";
        environment["Admin__ApiKey"] = "docker-layout-test-key-0123";
        environment["Pulse__SigningKeys__0"] = "docker-layout-test-signing-key-0123456789";
        using var worker = ProcessRunner.Start("dotnet", [Path.Combine(app, "Monitor.Worker.dll")], app, environment);
        try
        {
            var healthy = false;
            for (var i = 0; i < 120 && !healthy && !worker.HasExited; i++)
            {
                await Task.Delay(500);
                var (code, _) = await ProcessRunner.RunAsync("dotnet",
                    [Path.Combine(app, "Monitor.Worker.dll"), "healthcheck", "--url", $"http://127.0.0.1:{internalPort}/healthz"],
                    timeout: TimeSpan.FromSeconds(30), workingDirectory: app);
                healthy = code == 0;
            }
            Assert.That(healthy, Is.True, $"the image layout did not become healthy:\n{worker.Output}");
            Assert.That(File.Exists(Path.Combine(volume, "monitor.db")), Is.True, "the SQLite store lives on the volume");
        }
        finally
        {
            worker.Kill();
            Directory.Delete(volume, recursive: true);
        }
    }

    private static IEnumerable<(string Key, string Value)> EnvPairs(string arguments) =>
        Regex.Matches(arguments, "([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value.Trim('"')));

    [Test]
    public void Every_file_the_dockerfile_copies_from_the_context_exists()
    {
        foreach (var (_, args) in Instructions().Where(i => i.Instruction == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal)))
        {
            var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in parts[..^1])
            {
                Assert.That(File.Exists(RepoFiles.PathOf(source)) || Directory.Exists(RepoFiles.PathOf(source)), $"COPY {source}: not in the repository");
            }
        }
    }

    [Test]
    public void The_image_exposes_the_worker_listeners_on_all_interfaces_with_the_default_ports()
    {
        var exposed = Instructions().Where(i => i.Instruction == "EXPOSE").SelectMany(i => i.Arguments.Split(' ')).Select(int.Parse).ToList();
        Assert.That(exposed, Is.EquivalentTo(new[] { PublicPort, InternalPort }));
        var env = DockerfileEnv();
        Assert.That(new Uri(env["Endpoints__Public"]).Port, Is.EqualTo(PublicPort));
        Assert.That(new Uri(env["Endpoints__Internal"]).Port, Is.EqualTo(InternalPort));
        Assert.That(new Uri(env["Endpoints__Public"]).Host, Is.EqualTo("0.0.0.0"));
        Assert.That(new Uri(env["Endpoints__Internal"]).Host, Is.EqualTo("0.0.0.0"));
        Assert.That(env["Storage__ConnectionString"], Does.Contain("/var/lib/satisfaction-monitor/"));
        Assert.That(Instructions().Where(i => i.Instruction == "VOLUME").Select(i => i.Arguments), Does.Contain("/var/lib/satisfaction-monitor"));
        Assert.That(UnreadByTheWorker(env), Is.Empty, "Dockerfile ENV keys the worker does not read");
    }

    [Test]
    public void The_healthcheck_asks_the_worker_healthcheck_verb()
    {
        var healthcheck = Instructions().Single(i => i.Instruction == "HEALTHCHECK").Arguments;
        Assert.That(healthcheck, Does.Contain("CMD [\"dotnet\", \"/app/Monitor.Worker.dll\", \"healthcheck\"]"));
        Assert.That(healthcheck, Does.Not.Contain("curl").And.Not.Contain("wget"));
    }

    [Test]
    public void The_worker_defaults_in_appsettings_and_code_agree_with_the_image_ports()
    {
        var path = RepoFiles.PathOf("Monitor.Worker/appsettings.json");
        var endpoints = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!["Endpoints"];

        Assert.That(endpoints, Is.Not.Null, "appsettings.json sets Endpoints");
        Assert.That(new Uri((string)endpoints!["Public"]!).Port, Is.EqualTo(PublicPort));
        Assert.That(new Uri((string)endpoints["Internal"]!).Port, Is.EqualTo(InternalPort));
        Assert.That(new Monitor.Worker.Endpoints.EndpointOptions().PublicPort, Is.EqualTo(PublicPort), "the code default");
        Assert.That(new Monitor.Worker.Endpoints.EndpointOptions().InternalPort, Is.EqualTo(InternalPort), "the code default");
    }

    /// <summary>
    /// The '__' keys of an environment block that the worker, composed with them, never reads; compose's
    /// <c>${VAR}</c> placeholders become a value long enough for every secret's validation.
    /// </summary>
    private static IReadOnlyList<string> UnreadByTheWorker(IReadOnlyDictionary<string, string> environment) =>
        WorkerSettings.Unread(environment
            .Where(e => e.Key.Contains("__", StringComparison.Ordinal))
            .ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal),
                e => Regex.Replace(e.Value, @"\$\{[^}]*\}", "placeholder-secret-0123456789abcdef-0123456789")));

    [Test]
    public void Every_file_and_folder_compose_mounts_exists()
    {
        var mounts = 0;
        foreach (var (name, service) in Compose.Map("services"))
        {
            foreach (var volume in service.ListOrEmpty("volumes").Select(v => v.ToString()!))
            {
                var source = volume.Split(':')[0];
                if (!source.StartsWith('.'))
                {
                    Assert.That(Compose.Map("volumes").ContainsKey(source), $"{name}: named volume {source} is not declared");
                    continue;
                }

                mounts++;
                var path = RepoFiles.PathOf(source[2..]);
                Assert.That(File.Exists(path) || Directory.Exists(path), $"{name} mounts {source}, which does not exist");
            }
        }

        Assert.That(mounts, Is.GreaterThanOrEqualTo(4));
        Assert.That(File.Exists(RepoFiles.PathOf(".env.example")));
        Assert.That(File.Exists(RepoFiles.PathOf(".dockerignore")));
    }

    [Test]
    public void Compose_runs_the_worker_on_postgres_with_its_listeners_and_the_mail_catcher()
    {
        var worker = Service("worker");
        Assert.That(worker.Str("build"), Is.EqualTo("."));
        var env = worker.Map("environment").ToDictionary(kv => kv.Key.ToString()!, kv => kv.Value?.ToString() ?? "");
        Assert.That(UnreadByTheWorker(env), Is.Empty, "compose worker environment keys the worker does not read");

        Assert.That(env["Storage__Provider"], Is.EqualTo("postgres"));
        Assert.That(env["Storage__ConnectionString"], Does.Contain("Host=postgres"));
        Assert.That(env["Admin__ApiKey"], Does.StartWith("${ADMIN_API_KEY"));
        Assert.That(RepoFiles.Read(".env.example"), Does.Contain("ADMIN_API_KEY="));
        Assert.That(new Uri(env["Endpoints__Public"]).Port, Is.EqualTo(PublicPort));
        Assert.That(new Uri(env["Endpoints__Internal"]).Port, Is.EqualTo(InternalPort));

        var containerPorts = worker.List("ports").Select(p => int.Parse(p.ToString()!.Split(':')[^1])).ToList();
        Assert.That(containerPorts, Is.EquivalentTo(new[] { PublicPort, InternalPort }));
        Assert.That(worker.List("ports").Select(p => p.ToString()), Has.All.StartWith("127.0.0.1:"), "publish on loopback only");

        Assert.That(env["Mail__Smtp__Host"], Is.EqualTo("mailcatcher"));
        var mailPorts = Service("mailcatcher").List("ports").Select(p => p.ToString()!.Split(':')[^1]).ToList();
        Assert.That(mailPorts, Does.Contain(env["Mail__Smtp__Port"]));
        Assert.That(Service("postgres").Map("healthcheck").List("test").Select(t => t.ToString()), Has.Some.Contains("pg_isready"));
        Assert.That(worker.Map("depends_on").Map("postgres").Str("condition"), Is.EqualTo("service_healthy"));
    }

    [Test]
    public void Prometheus_scrapes_the_worker_internal_listener_and_everything_points_at_compose_services()
    {
        var services = Compose.Map("services").Keys.Select(k => k.ToString()!).ToHashSet();
        var prometheus = YamlFile.Load("prometheus/prometheus.yml");
        var job = prometheus.List("scrape_configs").Maps().Single(j => j.Str("job_name") == "satisfaction-monitor");
        var target = job.List("static_configs").Maps().Single().List("targets").Single().ToString()!;
        Assert.That(target, Is.EqualTo($"worker:{InternalPort}"));
        Assert.That(job.Str("metrics_path") ?? "/metrics", Is.EqualTo("/metrics"));

        var alertmanager = prometheus.Map("alerting").List("alertmanagers").Maps().Single().List("static_configs").Maps().Single().List("targets").Single().ToString()!;
        Assert.That(services, Does.Contain(alertmanager.Split(':')[0]));

        var datasource = YamlFile.Load("grafana/provisioning/datasources/prometheus.yml").List("datasources").Maps().Single();
        Assert.That(services, Does.Contain(new Uri(datasource.Str("url")!).Host));

        var smarthost = YamlFile.Load("prometheus/alertmanager.yml").Map("global").Str("smtp_smarthost")!;
        Assert.That(services, Does.Contain(smarthost.Split(':')[0]));

        var promVolumes = Service("prometheus").List("volumes").Select(v => v.ToString()!).ToList();
        Assert.That(promVolumes, Has.Some.StartsWith("./prometheus/rules:"));
        Assert.That(Service("alertmanager").List("volumes").Select(v => v.ToString()), Has.Some.StartsWith("./prometheus/alertmanager.yml:"));
        Assert.That(Service("grafana").List("volumes").Select(v => v.ToString()), Has.Some.StartsWith("./grafana/provisioning:"));
    }
}
