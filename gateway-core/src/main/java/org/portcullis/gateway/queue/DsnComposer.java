package org.portcullis.gateway.queue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.portcullis.gateway.delivery.MessageContent;
import org.portcullis.gateway.envelope.ClientInfo;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.MailParameters;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.envelope.Recipient;
import org.portcullis.gateway.spool.SpoolWriter;
import org.portcullis.gateway.spool.SpooledMessage;

/**
 * Writes a delivery status notification (RFC 3464 inside an RFC 6522 multipart/report): a
 * human-readable part, the machine-readable message/delivery-status, and the original message
 * or only its headers (RET, RFC 3461 §4.3). The original is streamed from its spool file, never
 * read whole into memory.
 */
final class DsnComposer {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
    /** Keeps every line of the report within SMTP's 998 octets. */
    private static final int MAX_FIELD_TEXT = 900;
    private static final int COPY_CHUNK = 16 * 1024;

    private final String hostname;
    private final long fullReturnLimit;
    private final ZoneId zone;

    DsnComposer(String hostname, long fullReturnLimit, ZoneId zone) {
        this.hostname = hostname;
        this.fullReturnLimit = fullReturnLimit;
        this.zone = zone;
    }

    /** The DSN's envelope: null sender, to the original sender, from this gateway. */
    Envelope envelope(QueueId dsnId, SpooledMessage original, Instant now) {
        MailParameters p = original.envelope().parameters();
        boolean eightBit = "8BITMIME".equalsIgnoreCase(p.body()) || "BINARYMIME".equalsIgnoreCase(p.body())
                || p.smtpUtf8();
        return new Envelope(dsnId, MailAddress.NULL_SENDER, List.of(Recipient.of(original.envelope().sender())),
                new MailParameters(eightBit ? "8BITMIME" : null, p.smtpUtf8(), null, null),
                ClientInfo.local(hostname), now);
    }

    void write(SpoolWriter out, Envelope dsn, SpooledMessage original, MessageContent content, List<Bounce> bounces)
            throws IOException {
        Envelope env = original.envelope();
        String date = date(dsn.arrival());
        // The DSN's own queue id makes the boundary unique; it cannot occur in the returned original.
        String boundary = "=_" + dsn.queueId().value() + "_delivery_report";
        Return returned = returned(env, original.contentLength());

        StringBuilder head = new StringBuilder(2048);
        line(head, "Received: from localhost by " + hostname + " (Portcullis) id " + dsn.queueId() + ";");
        line(head, "\t" + date);
        line(head, "Date: " + date);
        line(head, "From: MAILER-DAEMON@" + hostname + " (Mail Delivery System)");
        line(head, "To: <" + env.sender() + ">");
        line(head, "Subject: Undelivered Mail Returned to Sender");
        line(head, "Message-ID: <" + dsn.queueId() + ".dsn@" + hostname + ">");
        line(head, "Auto-Submitted: auto-replied");
        line(head, "MIME-Version: 1.0");
        line(head, "Content-Type: multipart/report; report-type=delivery-status;");
        line(head, "\tboundary=\"" + boundary + "\"");
        line(head, "");
        line(head, "This is a MIME-encapsulated delivery status notification.");
        line(head, "");
        notification(head, boundary, env, bounces);
        report(head, boundary, env, bounces);
        line(head, "--" + boundary);
        line(head, "Content-Type: " + returned.contentType());
        line(head, "Content-Description: " + returned.description());
        if (returned.eightBit()) {
            line(head, "Content-Transfer-Encoding: 8bit");
        }
        line(head, "");
        out.write(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.UTF_8)));

        boolean endsWithCrlf = copy(out, content, returned.full());
        String tail = (endsWithCrlf ? "" : "\r\n") + "\r\n--" + boundary + "--\r\n";
        out.write(ByteBuffer.wrap(tail.getBytes(StandardCharsets.US_ASCII)));
    }

    private void notification(StringBuilder b, String boundary, Envelope env, List<Bounce> bounces) {
        line(b, "--" + boundary);
        line(b, "Content-Type: text/plain; charset=us-ascii");
        line(b, "Content-Description: Notification");
        line(b, "");
        line(b, "This is the mail gateway at " + hostname + ".");
        line(b, "");
        line(b, "Your message (queued as " + env.queueId() + ", received " + date(env.arrival()) + ")");
        line(b, "could not be delivered to the recipients below, and the gateway has given up.");
        line(b, "The delivery report that follows has the details for mail software.");
        line(b, "");
        for (Bounce bounce : bounces) {
            String why = bounce.expired()
                    ? "not delivered in the time the gateway keeps mail"
                            + (bounce.reply() == null ? "" : "; last reply: " + bounce.reply())
                    : (bounce.reply() == null ? "refused" : bounce.reply());
            line(b, "<" + ascii(bounce.recipient().address().toString()) + ">: " + ascii(why));
        }
        line(b, "");
    }

    private void report(StringBuilder b, String boundary, Envelope env, List<Bounce> bounces) {
        boolean global = !isAscii(env.sender().toString())
                || bounces.stream().anyMatch(x -> !isAscii(x.recipient().address().toString()));
        line(b, "--" + boundary);
        line(b, "Content-Type: " + (global ? "message/global-delivery-status" : "message/delivery-status"));
        line(b, "Content-Description: Delivery report");
        line(b, "");
        line(b, "Reporting-MTA: dns; " + hostname);
        line(b, "X-Portcullis-Queue-ID: " + env.queueId());
        if (env.parameters().envid() != null) {
            line(b, "Original-Envelope-Id: " + ascii(xtextDecode(env.parameters().envid())));
        }
        line(b, "Arrival-Date: " + date(env.arrival()));
        for (Bounce bounce : bounces) {
            line(b, "");
            String address = bounce.recipient().address().toString();
            line(b, "Final-Recipient: " + (isAscii(address) ? "rfc822" : "utf-8") + "; " + address);
            String orcpt = bounce.recipient().dsnOrcpt();
            int semicolon = orcpt == null ? -1 : orcpt.indexOf(';');
            if (semicolon > 0) {
                line(b, "Original-Recipient: " + ascii(orcpt.substring(0, semicolon).trim()) + "; "
                        + clean(xtextDecode(orcpt.substring(semicolon + 1).trim())));
            }
            line(b, "Action: failed");
            line(b, "Status: " + bounce.status());
            String remote = remoteMta(bounce.relay());
            if (remote != null) {
                line(b, "Remote-MTA: dns; " + remote);
            }
            if (bounce.reply() != null && !bounce.reply().isBlank()) {
                line(b, "Diagnostic-Code: " + (remote != null ? "smtp" : "X-Portcullis") + "; " + ascii(bounce.reply()));
            }
            line(b, "Last-Attempt-Date: " + date(bounce.lastAttempt()));
        }
        line(b, "");
    }

    private record Return(boolean full, String contentType, String description, boolean eightBit) {
    }

    private Return returned(Envelope env, long length) {
        MailParameters p = env.parameters();
        boolean binary = "BINARYMIME".equalsIgnoreCase(p.body());
        boolean full = "FULL".equalsIgnoreCase(p.ret()) && length <= fullReturnLimit && !binary;
        boolean eightBit = "8BITMIME".equalsIgnoreCase(p.body()) || p.smtpUtf8();
        if (full) {
            return new Return(true, p.smtpUtf8() ? "message/global" : "message/rfc822", "Undelivered Message",
                    eightBit);
        }
        return new Return(false, p.smtpUtf8() ? "message/global-headers" : "text/rfc822-headers",
                "Undelivered Message Headers", eightBit);
    }

    /**
     * Streams the original, whole or up to the end of its header section.
     *
     * @return whether what was copied ends with CRLF
     */
    private boolean copy(SpoolWriter out, MessageContent content, boolean full) throws IOException {
        long length = full ? content.length() : headerEnd(content, Math.max(fullReturnLimit, 64 * 1024));
        byte[] chunk = new byte[COPY_CHUNK];
        int last1 = -1;
        int last2 = -1;
        long remaining = length;
        try (InputStream in = content.openStream()) {
            while (remaining > 0) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, remaining));
                if (n <= 0) {
                    break;
                }
                out.write(ByteBuffer.wrap(chunk, 0, n));
                last2 = n >= 2 ? chunk[n - 2] : last1;
                last1 = chunk[n - 1];
                remaining -= n;
            }
        }
        return length == 0 || (last2 == '\r' && last1 == '\n');
    }

    /**
     * Where the header section ends (after the last header's CRLF, before the empty line); a
     * message without an empty line is all header, cut at its last whole line within {@code limit}.
     */
    static long headerEnd(MessageContent content, long limit) throws IOException {
        try (InputStream in = new BufferedInputStream(content.openStream(), COPY_CHUNK)) {
            long position = 0;
            long lineStart = 0;
            long lastLineEnd = 0;
            int previous = -1;
            for (int c; position < limit && (c = in.read()) >= 0; previous = c) {
                position++;
                if (c == '\n' && previous == '\r') {
                    if (lineStart == position - 2) {
                        return lastLineEnd;
                    }
                    lastLineEnd = position;
                    lineStart = position;
                }
            }
            return position < limit ? position : lastLineEnd;
        }
    }

    private String date(Instant instant) {
        return DATE.format(instant.atZone(zone));
    }

    /** The host part of a relay such as {@code mx.example.com[192.0.2.1]:25}; null when no MTA answered. */
    static String remoteMta(String relay) {
        if (relay == null) {
            return null;
        }
        int bracket = relay.indexOf('[');
        if (bracket > 0) {
            return ascii(relay.substring(0, bracket));
        }
        if (bracket == 0) {
            int close = relay.indexOf(']');
            return close > 1 ? ascii(relay.substring(1, close)) : null;
        }
        return null;
    }

    /** RFC 3461 §4: {@code +XX} stands for the octet XX. */
    static String xtextDecode(String xtext) {
        StringBuilder out = new StringBuilder(xtext.length());
        for (int i = 0; i < xtext.length(); i++) {
            char c = xtext.charAt(i);
            if (c == '+' && i + 2 < xtext.length() && isHex(xtext.charAt(i + 1)) && isHex(xtext.charAt(i + 2))) {
                out.append((char) Integer.parseInt(xtext.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /** Printable ASCII only, one line, bounded: a report field must not break the report. */
    private static String ascii(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_FIELD_TEXT));
        for (int i = 0; i < text.length() && out.length() < MAX_FIELD_TEXT; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : (c == '\t' || c == '\r' || c == '\n' ? ' ' : '?'));
        }
        return out.toString();
    }

    /** Like {@link #ascii} but keeps non-ASCII letters (for utf-8 addresses). */
    private static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().limit(MAX_FIELD_TEXT).forEach(c -> {
            if (c >= 0x20 && c != 0x7f) {
                out.appendCodePoint(c);
            } else {
                out.append('?');
            }
        });
        return out.toString();
    }

    private static void line(StringBuilder b, String text) {
        b.append(text).append("\r\n");
    }
}
