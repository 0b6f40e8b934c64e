using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Sluice.Alerts.Channels;

/// <summary>Posts a JSON body and turns the receiver's answer into success or a <see cref="DeliveryException"/>.</summary>
internal static class JsonPost
{
    private const int ShownBodyCharacters = 200;

    public static async Task SendAsync(HttpClient http, Uri url, JsonNode body, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var shown = text.Length > ShownBodyCharacters ? text[..ShownBodyCharacters] + "..." : text;
        var status = (int)response.StatusCode;
        // Throttling and server errors pass; any other refusal (wrong URL, rejected payload) will not.
        var retryable = status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
        throw new DeliveryException($"the receiver answered {status} {response.ReasonPhrase}{(shown.Length > 0 ? ": " + shown.Trim() : string.Empty)}", retryable);
    }
}
