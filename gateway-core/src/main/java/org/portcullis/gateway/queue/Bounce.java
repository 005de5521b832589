package org.portcullis.gateway.queue;

import java.time.Instant;
import java.util.Objects;
import org.portcullis.gateway.envelope.Recipient;

/**
 * One recipient given up on, as a DSN reports it.
 *
 * @param recipient   the recipient, with its NOTIFY and ORCPT
 * @param relay       the next hop that answered last, or null/{@code none}
 * @param reply       the last reply, e.g. {@code 550 5.1.1 User unknown}, or null
 * @param status      the RFC 3463 status for the report, e.g. {@code 5.1.1} or {@code 4.4.7}
 * @param expired     whether it outlived the queue lifetime (rather than being refused)
 * @param lastAttempt when it was last tried
 */
record Bounce(Recipient recipient, String relay, String reply, String status, boolean expired, Instant lastAttempt) {

    Bounce {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(lastAttempt, "lastAttempt");
    }

    private static final java.util.regex.Pattern ENHANCED =
            java.util.regex.Pattern.compile("^(?:[245]\\d\\d[ -])?([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");

    /** The enhanced status code in a reply, or the given fallback when it has none. */
    static String statusOf(String reply, String fallback) {
        if (reply != null) {
            java.util.regex.Matcher m = ENHANCED.matcher(reply.trim());
            if (m.find()) {
                return m.group(1);
            }
        }
        return fallback;
    }

    /** Whether this recipient's NOTIFY asks for (or, absent, defaults to) a failure report. */
    boolean wantsFailureNotice() {
        String notify = recipient.dsnNotify();
        if (notify == null || notify.isBlank()) {
            return true;   // RFC 3461 §4.1: no NOTIFY means FAILURE (and perhaps DELAY)
        }
        String upper = notify.toUpperCase(java.util.Locale.ROOT);
        return !upper.contains("NEVER") && upper.contains("FAILURE");
    }
}
