using YamlDotNet.Serialization;

namespace Monitor.Tests.Stack;

/// <summary>YAML read into plain dictionaries and lists, with small helpers to walk it.</summary>
public static class YamlFile
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static Dictionary<object, object> Load(string relativePath) =>
        Parse(RepoFiles.Read(relativePath)) as Dictionary<object, object>
        ?? throw new InvalidDataException($"{relativePath} is not a YAML mapping");

    public static object? Parse(string text) => Deserializer.Deserialize<object?>(text);

    public static Dictionary<object, object> Map(this object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) && value is Dictionary<object, object> child
            ? child
            : throw new KeyNotFoundException($"no mapping '{key}'");

    public static List<object> List(this object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) && value is List<object> child
            ? child
            : throw new KeyNotFoundException($"no list '{key}'");

    public static List<object> ListOrEmpty(this object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) && value is List<object> child ? child : [];

    public static string? Str(this object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) ? value?.ToString() : null;

    public static IEnumerable<Dictionary<object, object>> Maps(this List<object> list) => list.OfType<Dictionary<object, object>>();
}
