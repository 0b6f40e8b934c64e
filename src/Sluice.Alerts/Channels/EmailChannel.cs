using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Sluice.Alerts.Configuration;
using Sluice.Alerts.Delivery;

namespace Sluice.Alerts.Channels;

/// <summary>Options of an <c>email</c> channel: the SMTP server, sender, recipients, login and TLS mode.</summary>
internal sealed record EmailOptions(string Host, int Port, MailboxAddress From, IReadOnlyList<MailboxAddress> To, string? Username, string? Password, SecureSocketOptions Tls)
{
    private static readonly string[] TlsModes = ["starttls", "ssl", "none"];

    public static EmailOptions? Read(OptionReader options)
    {
        options.AllowOnly("type", "host", "port", "from", "to", "username", "password", "tls");
        var host = options.Text("host", required: true);
        var tlsText = options.Text("tls")?.ToLowerInvariant() ?? "starttls";
        SecureSocketOptions? tls = tlsText switch
        {
            "starttls" => SecureSocketOptions.StartTls,
            "ssl" => SecureSocketOptions.SslOnConnect,
            "none" => SecureSocketOptions.None,
            _ => null,
        };
        if (tls is null)
        {
            options.Error(options.LocationOf("tls"), Validation.Suggestions.UnknownName("tls mode", tlsText, TlsModes, $"in {options.What}"));
        }

        var port = options.Int("port", tls == SecureSocketOptions.SslOnConnect ? 465 : tls == SecureSocketOptions.None ? 25 : 587, 1, 65535);
        var from = Address(options, "from", options.Text("from", required: true));
        var to = options.List("to", required: true).Select(a => Address(options, "to", a)).ToList();
        var username = options.Text("username");
        var password = options.Text("password");
        if ((username is null) != (password is null))
        {
            options.Error(options.Location, $"{options.What} needs both 'username' and 'password', or neither.");
        }

        return host is null || tls is null || from is null || to.Count == 0 || to.Any(a => a is null)
            ? null
            : new EmailOptions(host, port, from, to!, username, password, tls.Value);
    }

    private static MailboxAddress? Address(OptionReader options, string key, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (MailboxAddress.TryParse(text, out var address) && address.Address.Contains('@', StringComparison.Ordinal))
        {
            return address;
        }

        options.Error(options.LocationOf(key), $"'{key}' in {options.What} must be an email address such as alerts@example.com, not '{text}'.");
        return null;
    }
}

/// <summary>Sends a plain-text email through SMTP (MailKit). One connection per message: alerts are rare.</summary>
internal sealed class EmailChannel(string name, EmailOptions options, TimeSpan timeout) : IAlertChannel
{
    public string Name => name;

    public string Type => "email";

    public async Task SendAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        var mail = new MimeMessage { Subject = message.Title, Body = new TextPart("plain") { Text = message.Body() } };
        mail.From.Add(options.From);
        mail.To.AddRange(options.To);
        mail.Headers.Add("X-Sluice-Incident", message.IncidentKey);
        using var smtp = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };
        try
        {
            await smtp.ConnectAsync(options.Host, options.Port, options.Tls, cancellationToken);
            if (options.Username is not null)
            {
                await smtp.AuthenticateAsync(options.Username, options.Password ?? string.Empty, cancellationToken);
            }

            await smtp.SendAsync(mail, cancellationToken);
            await smtp.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (AuthenticationException e)
        {
            throw new DeliveryException($"the SMTP server at {options.Host}:{options.Port} refused the login: {e.Message}", retryable: false);
        }
        catch (SmtpCommandException e) when (e.StatusCode is >= (SmtpStatusCode)500)
        {
            throw new DeliveryException($"the SMTP server at {options.Host}:{options.Port} refused the message ({(int)e.StatusCode}): {e.Message}", retryable: false);
        }
    }
}
