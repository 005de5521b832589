package org.portcullis.gateway.chain;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;

/**
 * Per-filter meters: {@code portcullis.filter.time{filter,stage}}, {@code .findings{filter}},
 * {@code .verdicts{filter,verdict}}, {@code .failures{filter,kind=error|timeout}}. Micrometer hands
 * back the same meter for the same tags, so lookups are cheap after the first.
 */
final class ChainMetrics {

    private final MeterRegistry registry;

    ChainMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void time(String filter, Stage stage, long nanos) {
        Timer.builder("portcullis.filter.time").description("Time one filter took for one stage")
                .tag("filter", filter).tag("stage", stage.name().toLowerCase(Locale.ROOT))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void findings(String filter, int count) {
        if (count > 0) {
            Counter.builder("portcullis.filter.findings").tag("filter", filter).register(registry).increment(count);
        }
    }

    void verdict(String filter, Verdict verdict) {
        Counter.builder("portcullis.filter.verdicts").tag("filter", filter)
                .tag("verdict", verdict.getClass().getSimpleName().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }

    void failure(String filter, boolean timeout) {
        Counter.builder("portcullis.filter.failures").tag("filter", filter)
                .tag("kind", timeout ? "timeout" : "error").register(registry).increment();
    }
}
