using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Monitor.Probes.Tickets.Webhooks;

/// <summary>
/// Completes a pushed event whose payload leaves the requester out, through the system's connector
/// (<see cref="ITicketRequesterSource"/>, cached there): the requester's e-mail, and for Jira whether the comment's
/// author is the requester.
/// </summary>
internal static class WebhookRequesters
{
    /// <returns>The completed ticket, or null when the system cannot say who the requester is.</returns>
    /// <exception cref="RequesterLookupFailedException">The system could not be asked (down, refused, throttled).</exception>
    public static async Task<TicketRecord?> CompleteAsync(IServiceProvider services, TicketRecord ticket, RequesterLookup lookup,
        CancellationToken cancellationToken)
    {
        if (services.GetKeyedService<ITicketConnector>(lookup.System) is not ITicketRequesterSource source) return null;
        TicketPerson? person;
        try
        {
            person = await source.RequesterAsync(lookup.Key, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TicketAuthenticationException or TicketPayloadException
                                       or TimeoutRejectedException or BrokenCircuitException or RateLimiterRejectedException)
        {
            throw new RequesterLookupFailedException(e.Message, e);
        }
        if (person is null) return null;
        var comments = lookup.CommentAuthorId is { } author
            ? ticket.Comments.Select(c => c with { AuthorIsRequester = author == person.Id }).ToList()
            : ticket.Comments;
        return ticket with { RequesterEmail = person.Email, Comments = comments };
    }
}

/// <summary>The ticket system could not be asked who the requester is; the sender should retry later.</summary>
internal sealed class RequesterLookupFailedException(string message, Exception inner) : Exception(message, inner);
