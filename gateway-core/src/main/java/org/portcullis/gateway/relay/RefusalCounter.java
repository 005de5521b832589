package org.portcullis.gateway.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/** Counts refused addresses and relay attempts: {@code portcullis.relay.refused{reason=...}}. */
final class RefusalCounter {

    static final String METER_NAME = "portcullis.relay.refused";

    private final MeterRegistry registry;

    RefusalCounter(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** @param reason a tag from a fixed vocabulary (never client text), e.g. {@code percent_hack} */
    void count(String reason) {
        // The registry hands back the same counter for the same name and tag.
        Counter.builder(METER_NAME)
                .description("Addresses and relay attempts refused at MAIL FROM / RCPT TO")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
