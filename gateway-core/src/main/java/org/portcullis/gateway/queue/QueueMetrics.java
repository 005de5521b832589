package org.portcullis.gateway.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import org.portcullis.gateway.delivery.RecipientResult;

/**
 * The queue's meters.
 *
 * <ul>
 * <li>{@code portcullis.queue.messages{state=incoming|active|deferred|hold|corrupt}}: messages
 *     in each state (hold and corrupt as of the last rescan)</li>
 * <li>{@code portcullis.queue.deliveries{result=delivered|deferred|failed}}: recipient results</li>
 * <li>{@code portcullis.queue.dsn.generated}: DSNs spooled</li>
 * <li>{@code portcullis.queue.expired}: recipients bounced for outliving
 *     {@code delivery.max_queue_lifetime}</li>
 * <li>{@code portcullis.queue.attempts.in_flight}: attempts under way</li>
 * <li>{@code portcullis.queue.attempts.limited}: attempts that waited because
 *     {@code delivery.max_concurrent_deliveries} were in flight</li>
 * </ul>
 */
final class QueueMetrics {

    private final MeterRegistry registry;
    private final Counter delivered;
    private final Counter deferred;
    private final Counter failed;
    private final Counter dsn;
    private final Counter expired;
    private final Counter limited;

    QueueMetrics(MeterRegistry registry) {
        this.registry = registry;
        delivered = result("delivered");
        deferred = result("deferred");
        failed = result("failed");
        dsn = Counter.builder("portcullis.queue.dsn.generated").register(registry);
        expired = Counter.builder("portcullis.queue.expired").register(registry);
        limited = Counter.builder("portcullis.queue.attempts.limited").register(registry);
    }

    private Counter result(String result) {
        return Counter.builder("portcullis.queue.deliveries").tag("result", result).register(registry);
    }

    void gauge(String state, Supplier<Number> count) {
        Gauge.builder("portcullis.queue.messages", count).tag("state", state).strongReference(true).register(registry);
    }

    void inFlightGauge(Supplier<Number> count) {
        Gauge.builder("portcullis.queue.attempts.in_flight", count).strongReference(true).register(registry);
    }

    void recipient(RecipientResult.Status status) {
        switch (status) {
            case DELIVERED -> delivered.increment();
            case DEFERRED -> deferred.increment();
            case FAILED -> failed.increment();
        }
    }

    void dsn() {
        dsn.increment();
    }

    void expired() {
        expired.increment();
    }

    void limited() {
        limited.increment();
    }
}
