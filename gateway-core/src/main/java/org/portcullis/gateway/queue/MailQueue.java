package org.portcullis.gateway.queue;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.random.RandomGenerator;
import org.portcullis.gateway.config.DeliveryConfig;
import org.portcullis.gateway.config.GatewayConfig;
import org.portcullis.gateway.delivery.DeliveryAgent;
import org.portcullis.gateway.envelope.QueueIdGenerator;
import org.portcullis.gateway.spool.FileSpool;
import org.portcullis.gateway.spool.RecoveryReport;
import org.portcullis.gateway.spool.Spool;
import org.portcullis.gateway.spool.SpoolRecovery;
import org.portcullis.gateway.spool.SpoolState;
import org.portcullis.gateway.spool.SpooledMessage;

/**
 * The spool and its queue manager, as the gateway's assembly sees them: sessions write into
 * {@link #spool()}, {@link #start()} recovers what is on disk and starts delivering, and
 * {@link #close()} stops. Admin tools use {@link QueueAdmin} on the same directory, with or
 * without a running gateway.
 */
public final class MailQueue implements AutoCloseable {

    private final FileSpool spool;
    private final QueueManager manager;
    /** One generator for every id of this spool: SMTP sessions and DSNs alike, so no two collide. */
    private final QueueIdGenerator queueIds = new QueueIdGenerator();
    private boolean started;

    private MailQueue(GatewayConfig config, DeliveryAgent agent, MeterRegistry registry, Clock clock,
                      QueueSettings settings) throws IOException {
        this.spool = FileSpool.open(config.spool().directory(), registry, this::committed);
        DeliveryConfig delivery = config.delivery();
        QueueMetrics metrics = new QueueMetrics(registry);
        DsnComposer composer = new DsnComposer(config.hostname(), settings.dsnFullReturnLimit(), clock.getZone());
        BounceNotifier notifier = new BounceNotifier(spool, queueIds, composer, clock, metrics);
        DeliveryAttempt attempt = new DeliveryAttempt(spool, agent, notifier, RetrySchedule.of(delivery),
                delivery.maxQueueLifetime(), clock, metrics, RandomGenerator.getDefault());
        this.manager = new QueueManager(spool, attempt, clock, settings, metrics, delivery.maxConcurrentDeliveries());
    }

    /**
     * Opens the spool under {@code spool.directory}, creating its state directories.
     *
     * @throws IOException naming the directory when it cannot be created, written or synced
     */
    public static MailQueue open(GatewayConfig config, DeliveryAgent agent, MeterRegistry registry, Clock clock)
            throws IOException {
        return open(config, agent, registry, clock, QueueSettings.defaults());
    }

    /** As {@link #open(GatewayConfig, DeliveryAgent, MeterRegistry, Clock)}, with the queue's own limits. */
    public static MailQueue open(GatewayConfig config, DeliveryAgent agent, MeterRegistry registry, Clock clock,
                                 QueueSettings settings) throws IOException {
        return new MailQueue(config, agent, registry, clock, settings);
    }

    /** What SMTP sessions write into; usable before {@link #start()} (messages then wait). */
    public Spool spool() {
        return spool;
    }

    /**
     * Recovers the queue from disk (see {@link SpoolRecovery}) and starts delivering.
     *
     * @return how many messages were found active, deferred, held, and set aside as corrupt
     */
    public synchronized RecoveryReport start() {
        if (started) {
            throw new IllegalStateException("the mail queue is already started");
        }
        started = true;
        SpoolRecovery.Result recovered = spool.recover();
        manager.start(recovered.messages());
        return recovered.report();
    }

    /** The queue ids of this spool; SMTP sessions take theirs from here too. */
    public QueueIdGenerator queueIds() {
        return queueIds;
    }

    /** Admin operations on this queue's spool directory. */
    public QueueAdmin admin() {
        return new QueueAdmin(spool.directory().root());
    }

    /**
     * Stops scheduling, waits (bounded) for attempts in flight, then for commits under way. What
     * is left on disk is recovered at the next start.
     */
    @Override
    public void close() {
        manager.close();
        spool.close();
    }

    private void committed(SpooledMessage message) {
        // Straight from the commit to the scheduler: no directory read on the way.
        QueueManager m = manager;
        if (m != null) {
            m.accept(message, SpoolState.ACTIVE);
        }
    }
}
