package org.portcullis.gateway.smtp;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.portcullis.gateway.envelope.Envelope;

/**
 * The trace header (RFC 5321 §4.4) the gateway puts first in every message it accepts: who
 * sent it, over what, the queue id, and for a single recipient whom it was for.
 */
final class ReceivedHeader {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private ReceivedHeader() {
    }

    static String of(Envelope envelope, String hostname, ZoneId zone) {
        var client = envelope.client();
        StringBuilder h = new StringBuilder(256);
        h.append("Received: from ").append(clean(client.helo()))
                .append(" (").append(client.reverseName() == null ? "unknown" : clean(client.reverseName()))
                .append(" [").append(client.address()).append("])\r\n");
        if (client.tls() != null) {
            h.append("\t(using ").append(clean(client.tls())).append(")\r\n");
        }
        h.append("\tby ").append(hostname).append(" (Portcullis) with ").append(client.protocol())
                .append(" id ").append(envelope.queueId()).append("\r\n");
        if (envelope.recipients().size() == 1) {
            h.append("\tfor <").append(clean(envelope.recipients().get(0).address().toString())).append(">;");
        } else {
            h.append('\t');
        }
        h.append(' ').append(DATE.format(ZonedDateTime.ofInstant(envelope.arrival(), zone))).append("\r\n");
        return h.toString();
    }

    /** Client-given text in a header comment: printable, no parentheses or backslashes. */
    private static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().limit(255).forEach(c -> {
            boolean ok = c > ' ' && c < 0x7f && c != '(' && c != ')' && c != '\\';
            out.appendCodePoint(ok ? c : '?');
        });
        return out.isEmpty() ? "unknown" : out.toString();
    }
}
