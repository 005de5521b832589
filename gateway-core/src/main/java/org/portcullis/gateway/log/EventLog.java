package org.portcullis.gateway.log;

import org.portcullis.gateway.envelope.QueueId;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * One log line per event about a message, in the form an admin can grep:
 * {@code queue_id=4F7K2M9QXA1 event=delivered to=<a@b> relay=... status=sent}. The queue id is
 * both in the line and in the MDC (key {@code queue_id}) for structured appenders.
 */
public final class EventLog {

    public static final String MDC_QUEUE_ID = "queue_id";

    private EventLog() {
    }

    /**
     * Logs one event at INFO.
     *
     * @param fields alternating names and values; a value is quoted when it holds a space
     */
    public static void info(Logger log, QueueId queueId, String event, Object... fields) {
        if (log.isInfoEnabled()) {
            try (var ignored = MDC.putCloseable(MDC_QUEUE_ID, String.valueOf(queueId))) {
                log.info(format(queueId, event, fields));
            }
        }
    }

    /** Logs one event at WARN (deferrals, refusals, problems an admin should see). */
    public static void warn(Logger log, QueueId queueId, String event, Object... fields) {
        if (log.isWarnEnabled()) {
            try (var ignored = MDC.putCloseable(MDC_QUEUE_ID, String.valueOf(queueId))) {
                log.warn(format(queueId, event, fields));
            }
        }
    }

    static String format(QueueId queueId, String event, Object... fields) {
        if (fields.length % 2 != 0) {
            throw new IllegalArgumentException("fields must be name/value pairs");
        }
        StringBuilder line = new StringBuilder(64 + 24 * fields.length);
        line.append("queue_id=").append(queueId == null ? "-" : queueId.value());
        line.append(" event=").append(event);
        for (int i = 0; i < fields.length; i += 2) {
            line.append(' ').append(fields[i]).append('=');
            appendValue(line, String.valueOf(fields[i + 1]));
        }
        return line.toString();
    }

    private static void appendValue(StringBuilder line, String value) {
        boolean quote = value.isEmpty() || value.chars().anyMatch(c -> c <= ' ' || c == '"' || c == 0x7f);
        if (!quote) {
            line.append(value);
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\');
            }
            line.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        line.append('"');
    }
}
