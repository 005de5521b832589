package org.portcullis.gateway.queue;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.portcullis.gateway.config.DeliveryConfig;

/**
 * How long a deferred message waits: {@code delivery.retry.initial} after the first attempt,
 * doubling after each further one up to {@code delivery.retry.max}, each wait varied at random
 * by up to ±{@code delivery.retry.jitter} so that mail deferred together does not return in a
 * herd.
 */
public record RetrySchedule(Duration initial, Duration max, double jitter) {

    public RetrySchedule {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be within 0..1, got " + jitter);
        }
    }

    public static RetrySchedule of(DeliveryConfig config) {
        return new RetrySchedule(config.retryInitial(), config.retryMax(), config.retryJitter());
    }

    /** The wait before jitter after {@code attempts} attempts (1 or more). */
    public Duration base(int attempts) {
        long initialMillis = initial.toMillis();
        long maxMillis = max.toMillis();
        int doublings = Math.max(0, attempts - 1);
        if (doublings >= 62 || initialMillis > (maxMillis >> Math.min(doublings, 62))) {
            return max;
        }
        return Duration.ofMillis(Math.min(maxMillis, initialMillis << doublings));
    }

    /** The jittered wait after {@code attempts} attempts: within base × (1 ± jitter). */
    public Duration delay(int attempts, RandomGenerator random) {
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(base(attempts).toMillis() * factor)));
    }
}
