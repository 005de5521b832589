package org.portcullis.gateway.envelope;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identifier of one message for its whole life in the gateway: in the 250 reply, the
 * Received header, every log line, the spool file name and the archive. Safe as a file name.
 */
public record QueueId(String value) implements Comparable<QueueId> {

    private static final Pattern SAFE = Pattern.compile("[0-9A-Z]{8,32}");

    public QueueId {
        Objects.requireNonNull(value, "value");
        if (!SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a queue id: " + value);
        }
    }

    @Override
    public int compareTo(QueueId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
