package org.portcullis.gateway.net;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One wheel timer for the many short deadlines the gateway arms and nearly always cancels: each
 * wait on a milter, each filter's turn at a stage. Arming and cancelling cost a queue insertion,
 * no thread wakes up; the wheel turns every 10 ms, which is how late a deadline may fire.
 */
public final class Deadlines {

    private static final HashedWheelTimer TIMER = new HashedWheelTimer(
            Thread.ofPlatform().name("deadlines").daemon().factory(), 10, TimeUnit.MILLISECONDS);

    private Deadlines() {
    }

    /** Runs {@code action} on the timer's thread once {@code after} has passed, unless cancelled first. */
    public static Timeout after(Duration after, Runnable action) {
        return TIMER.newTimeout(t -> action.run(), Math.max(1, after.toNanos()), TimeUnit.NANOSECONDS);
    }
}
