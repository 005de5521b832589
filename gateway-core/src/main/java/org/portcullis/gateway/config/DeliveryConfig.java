package org.portcullis.gateway.config;

import java.time.Duration;

/**
 * How the gateway hands mail on.
 *
 * @param connectTimeout      {@code delivery.timeouts.connect}
 * @param commandTimeout      {@code delivery.timeouts.command}: each reply of the next hop
 * @param dataTimeout         {@code delivery.timeouts.data}: the reply after the message data
 * @param retryInitial        {@code delivery.retry.initial}: the first wait after a deferral
 * @param retryMax            {@code delivery.retry.max}: the longest wait between attempts
 * @param retryJitter         {@code delivery.retry.jitter}: fraction (0–1) by which each wait
 *                            is varied at random, so deferred mail does not come back in a herd
 * @param maxQueueLifetime    {@code delivery.max_queue_lifetime}: after this, a deferred
 *                            recipient is bounced with a DSN to the sender
 * @param maxConnectionsPerHop {@code delivery.max_connections_per_hop}: sessions at once to one
 *                            next hop
 * @param maxIdleConnectionTime {@code delivery.connection_reuse_time}: how long an idle
 *                            session to a next hop is kept for reuse
 * @param maxConcurrentDeliveries {@code delivery.max_concurrent_deliveries}: delivery attempts
 *                            in flight at once, over all next hops; more wait their turn in the
 *                            active queue
 */
public record DeliveryConfig(
        Duration connectTimeout,
        Duration commandTimeout,
        Duration dataTimeout,
        Duration retryInitial,
        Duration retryMax,
        double retryJitter,
        Duration maxQueueLifetime,
        int maxConnectionsPerHop,
        Duration maxIdleConnectionTime,
        int maxConcurrentDeliveries) {

    public static DeliveryConfig defaults() {
        return new DeliveryConfig(
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofMinutes(10),
                Duration.ofMinutes(1),
                Duration.ofHours(1),
                0.2,
                Duration.ofDays(5),
                20,
                Duration.ofSeconds(10),
                100);
    }
}
