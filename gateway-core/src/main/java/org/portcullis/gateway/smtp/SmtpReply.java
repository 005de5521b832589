package org.portcullis.gateway.smtp;

import java.util.List;
import java.util.Objects;

/**
 * One SMTP reply: a code, an RFC 3463 enhanced status code (on every reply but the greeting),
 * and one or more lines of text.
 *
 * @param code     the three-digit reply code
 * @param enhanced the enhanced status code such as {@code 2.1.0}, or null (greeting, EHLO keywords)
 * @param lines    the text lines; the enhanced code is written on each
 */
public record SmtpReply(int code, String enhanced, List<String> lines) {

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("not a reply code: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("reply text must not hold line breaks");
            }
        }
    }

    public static SmtpReply of(int code, String enhanced, String text) {
        return new SmtpReply(code, Objects.requireNonNull(enhanced, "enhanced"), List.of(text));
    }

    public boolean isPositive() {
        return code < 400;
    }

    public boolean isTransientFailure() {
        return code >= 400 && code < 500;
    }

    /** The reply as it goes on the wire, CRLF after each line. */
    public String wire() {
        StringBuilder out = new StringBuilder(32 * lines.size());
        for (int i = 0; i < lines.size(); i++) {
            out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (enhanced != null) {
                out.append(enhanced).append(' ');
            }
            out.append(lines.get(i)).append("\r\n");
        }
        return out.toString();
    }

    /** The reply on one line, for logs. */
    @Override
    public String toString() {
        return code + (enhanced == null ? "" : " " + enhanced) + " " + String.join(" / ", lines);
    }
}
