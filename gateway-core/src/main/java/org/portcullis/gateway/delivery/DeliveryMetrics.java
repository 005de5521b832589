package org.portcullis.gateway.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/** The delivery side's meters, one place for their names and tags. */
final class DeliveryMetrics {

    private final MeterRegistry registry;

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One recipient's result; protocol is smtp, lmtp, maildir or none (no route, DNS failure). */
    void recipient(RecipientResult.Status status, String protocol) {
        Counter.builder("portcullis.delivery.recipients")
                .description("Recipients delivered, deferred or failed, by protocol")
                .tag("status", status.name().toLowerCase(Locale.ROOT))
                .tag("protocol", protocol)
                .register(registry)
                .increment();
    }

    /** The time to deliver one group of recipients that share a route. */
    void deliveryTime(String protocol, Duration took) {
        Timer.builder("portcullis.delivery.time")
                .description("Time to deliver one message to the recipients of one route")
                .tag("protocol", protocol)
                .register(registry)
                .record(took);
    }

    void connectionAttempt(HopAddress hop) {
        count("portcullis.delivery.connection.attempts", "Connections opened to a next hop", hop);
    }

    /** stage: connect, greeting, hello, tls. */
    void connectionFailure(HopAddress hop, String stage) {
        Counter.builder("portcullis.delivery.connection.failures")
                .description("Sessions to a next hop that could not be set up, by stage")
                .tag("hop", hop.endpoint())
                .tag("stage", stage)
                .register(registry)
                .increment();
    }

    void connectionReused(HopAddress hop) {
        count("portcullis.delivery.connection.reused", "Transactions on a kept idle session", hop);
    }

    void staleConnection(HopAddress hop) {
        count("portcullis.delivery.connection.stale", "Idle sessions found dead when reused", hop);
    }

    void poolWait(HopAddress hop, Duration waited) {
        count("portcullis.delivery.pool.waits", "Deliveries that waited for a free session slot", hop);
        Timer.builder("portcullis.delivery.pool.wait.time")
                .description("Time waited for a free session slot to a next hop")
                .tag("hop", hop.endpoint())
                .register(registry)
                .record(waited);
    }

    /** result: established, not_offered, refused, failed. */
    void tls(HopAddress hop, String result) {
        Counter.builder("portcullis.delivery.tls")
                .description("STARTTLS towards next hops, by result")
                .tag("hop", hop.endpoint())
                .tag("result", result)
                .register(registry)
                .increment();
    }

    /** stage: connect, command, data: which of delivery.timeouts.* tripped. */
    void timeout(String stage) {
        Counter.builder("portcullis.delivery.timeouts")
                .description("Waits for a next hop cut off by delivery.timeouts")
                .tag("stage", stage)
                .register(registry)
                .increment();
    }

    private void count(String name, String description, HopAddress hop) {
        Counter.builder(name).description(description).tag("hop", hop.endpoint()).register(registry).increment();
    }
}
