package org.portcullis.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private final RetrySchedule schedule = new RetrySchedule(Duration.ofMinutes(1), Duration.ofHours(1), 0.2);

    @Test
    void waitsDoubleFromTheInitialUpToTheMaximum() {
        assertThat(schedule.base(1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(schedule.base(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(schedule.base(3)).isEqualTo(Duration.ofMinutes(4));
        assertThat(schedule.base(6)).isEqualTo(Duration.ofMinutes(32));
        assertThat(schedule.base(7)).isEqualTo(Duration.ofHours(1));
        assertThat(schedule.base(500)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void eachWaitIsJitteredWithinItsBoundsAndActuallyVaries() {
        Random random = new Random(1);
        for (int attempts = 1; attempts <= 8; attempts++) {
            long base = schedule.base(attempts).toMillis();
            int n = attempts;
            long[] waits = LongStream.range(0, 2000).map(i -> schedule.delay(n, random).toMillis()).toArray();
            assertThat(LongStream.of(waits).min().orElseThrow()).isGreaterThanOrEqualTo(Math.round(base * 0.8));
            assertThat(LongStream.of(waits).max().orElseThrow()).isLessThanOrEqualTo(Math.round(base * 1.2));
            assertThat(LongStream.of(waits).max().orElseThrow() - LongStream.of(waits).min().orElseThrow())
                    .as("spread after %d attempts", attempts).isGreaterThan((long) (base * 0.3));
        }
    }

    @Test
    void noJitterMeansExactWaits() {
        RetrySchedule exact = new RetrySchedule(Duration.ofSeconds(1), Duration.ofSeconds(2), 0);
        assertThat(exact.delay(1, new Random())).isEqualTo(Duration.ofSeconds(1));
        assertThat(exact.delay(5, new Random())).isEqualTo(Duration.ofSeconds(2));
    }
}
