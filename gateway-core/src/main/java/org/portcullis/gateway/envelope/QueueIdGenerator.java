package org.portcullis.gateway.envelope;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes queue ids that sort by time of creation and never repeat within one gateway: the
 * microseconds since the epoch and a sequence number, in Crockford's base-32 upper case.
 */
public final class QueueIdGenerator {

    private static final char[] DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private final AtomicLong last = new AtomicLong();

    public QueueId next() {
        long nowMicros = System.currentTimeMillis() * 1000L;
        long stamp = last.updateAndGet(previous -> Math.max(previous + 1, nowMicros));
        return new QueueId(encode(stamp, 11));
    }

    private static String encode(long value, int width) {
        char[] out = new char[width];
        for (int i = width - 1; i >= 0; i--) {
            out[i] = DIGITS[(int) (value & 31)];
            value >>>= 5;
        }
        return new String(out);
    }
}
