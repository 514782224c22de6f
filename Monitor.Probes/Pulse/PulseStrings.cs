using System.Resources;

// The neutral resources (PulseStrings.resx) are English: "en" and its regions read them without a satellite.
[assembly: NeutralResourcesLanguage("en")]

namespace Monitor.Probes.Pulse;

/// <summary>
/// Names the pulse's resource files (PulseStrings.resx in English, .fr, .de, .es beside it) for
/// <c>IStringLocalizer&lt;PulseStrings&gt;</c>; read them through <see cref="PulseTexts"/>.
/// </summary>
public sealed class PulseStrings;
