using Monitor.Worker;

return await Cli.RunAsync(args);
