package org.portcullis.gateway.config;

import java.time.Duration;

/**
 * Limits and timeouts of the SMTP server. Each has a default, a config key and a metric when
 * it trips ({@code portcullis.smtp.limit{limit=...}}).
 *
 * @param maxMessageSize        {@code smtp.max_message_size}: bytes; announced in SIZE, enforced
 *                              at MAIL and during DATA/BDAT (552 5.3.4)
 * @param maxRecipients         {@code smtp.max_recipients}: per message (452 4.5.3)
 * @param maxCommandLineLength  {@code smtp.max_command_line_length}: octets incl. CRLF (500 5.5.2)
 * @param maxHeaderSize         {@code smtp.max_header_size}: bytes of the header section (552 5.3.4)
 * @param maxConnections        {@code smtp.max_connections}: sessions at once (421 4.7.0)
 * @param maxCommands           {@code smtp.max_commands}: commands per session (421 4.7.0)
 * @param maxErrors             {@code smtp.max_errors}: error replies per session before we hang up
 *                              (421 4.7.0)
 * @param requireFqdnSender     {@code smtp.require_fqdn_sender}: the sender's domain must be a
 *                              fully qualified domain name (550 5.1.7)
 * @param greetingTimeout       {@code smtp.timeouts.greeting}: from the 220 greeting to the
 *                              client's first command
 * @param commandTimeout        {@code smtp.timeouts.command}: waiting for the next command
 * @param dataTimeout           {@code smtp.timeouts.data}: waiting for the next block of message
 *                              data (DATA or BDAT)
 * @param sessionTimeout        {@code smtp.timeouts.session}: a whole session, however busy
 */
public record SmtpConfig(
        long maxMessageSize,
        int maxRecipients,
        int maxCommandLineLength,
        int maxHeaderSize,
        int maxConnections,
        int maxCommands,
        int maxErrors,
        boolean requireFqdnSender,
        Duration greetingTimeout,
        Duration commandTimeout,
        Duration dataTimeout,
        Duration sessionTimeout) {

    public static SmtpConfig defaults() {
        return new SmtpConfig(
                50L * 1024 * 1024,
                1000,
                2048,
                256 * 1024,
                20_000,
                10_000,
                20,
                true,
                Duration.ofSeconds(60),
                Duration.ofMinutes(5),
                Duration.ofMinutes(3),
                Duration.ofMinutes(30));
    }
}
