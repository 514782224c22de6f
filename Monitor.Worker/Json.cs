using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitor.Worker;

/// <summary>One JSON convention for the API and for JSON stored in the database.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        // The Web defaults read "1" as the number 1: a number is a JSON number here ("score": "1" is refused, naming score).
        // Query strings and forms are not JSON and are not affected.
        o.NumberHandling = JsonNumberHandling.Strict;
        return o;
    }
}
