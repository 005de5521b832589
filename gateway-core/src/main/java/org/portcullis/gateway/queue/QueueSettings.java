package org.portcullis.gateway.queue;

import java.time.Duration;

/**
 * The queue manager's own limits, apart from those in {@code delivery.*}.
 *
 * @param rescanInterval  how often active/ and deferred/ are listed for messages put there by
 *                        an admin tool (release, flush) and for held or deleted ones
 * @param closeTimeout    how long {@link MailQueue#close()} waits for attempts in flight; an
 *                        attempt still running then is delivered again after the next start
 * @param dsnFullReturnLimit the largest original a DSN returns whole when RET=FULL asks for it;
 *                        a larger one is returned as headers only
 */
public record QueueSettings(Duration rescanInterval, Duration closeTimeout, long dsnFullReturnLimit) {

    public QueueSettings {
        if (rescanInterval.isNegative() || rescanInterval.isZero()) {
            throw new IllegalArgumentException("rescanInterval must be positive");
        }
        if (dsnFullReturnLimit < 0) {
            throw new IllegalArgumentException("dsnFullReturnLimit must not be negative");
        }
    }

    public static QueueSettings defaults() {
        return new QueueSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), 1024 * 1024);
    }
}
