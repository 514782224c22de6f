namespace Monitor.Worker.Pulse;

/// <summary>Tries the pickup folder at start-up, so that an unwritable one stops the worker instead of every send.</summary>
internal static class PickupFolder
{
    /// <summary>Why nothing can be written to <paramref name="path"/> (creating it if need be), or null when it can.</summary>
    public static string? Unwritable(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return e.Message;
        }
    }
}
