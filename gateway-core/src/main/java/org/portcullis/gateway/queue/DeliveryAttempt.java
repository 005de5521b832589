package org.portcullis.gateway.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.random.RandomGenerator;
import org.portcullis.gateway.delivery.DeliveryAgent;
import org.portcullis.gateway.delivery.DeliveryOutcome;
import org.portcullis.gateway.delivery.DeliveryRequest;
import org.portcullis.gateway.delivery.RecipientResult;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.envelope.Recipient;
import org.portcullis.gateway.log.EventLog;
import org.portcullis.gateway.spool.FileSpool;
import org.portcullis.gateway.spool.ProgressUpdate;
import org.portcullis.gateway.spool.RecipientProgress;
import org.portcullis.gateway.spool.SpoolDirectory;
import org.portcullis.gateway.spool.SpoolState;
import org.portcullis.gateway.spool.SpooledMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery attempt of one message: hand the pending recipients to the delivery agent, log
 * each result, bounce what failed or expired (DSN first, so that a crash can repeat a DSN but
 * never lose one), then remove the file when every recipient is done, or record the progress
 * durably and move it to deferred/.
 */
final class DeliveryAttempt {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAttempt.class);

    /** How an attempt ended, for the scheduler. */
    sealed interface End {
        /** Every recipient is done; the file is gone. */
        record Done() implements End {
        }

        /** Some recipients wait in deferred/ for {@code at}. */
        record Again(SpooledMessage message, Instant at) implements End {
        }

        /** The message was no longer (or is no more) where the queue keeps it: held or deleted. */
        record Gone() implements End {
        }
    }

    private final FileSpool spool;
    private final SpoolDirectory directory;
    private final DeliveryAgent agent;
    private final BounceNotifier notifier;
    private final RetrySchedule retry;
    private final Duration lifetime;
    private final Clock clock;
    private final QueueMetrics metrics;
    private final RandomGenerator random;

    DeliveryAttempt(FileSpool spool, DeliveryAgent agent, BounceNotifier notifier, RetrySchedule retry,
                    Duration lifetime, Clock clock, QueueMetrics metrics, RandomGenerator random) {
        this.spool = spool;
        this.directory = spool.directory();
        this.agent = agent;
        this.notifier = notifier;
        this.retry = retry;
        this.lifetime = lifetime;
        this.clock = clock;
        this.metrics = metrics;
        this.random = random;
    }

    End run(SpooledMessage message) {
        QueueId id = message.queueId();
        Path file = directory.file(SpoolState.ACTIVE, id);
        FileChannel channel = openForAttempt(id, file);
        if (channel == null) {
            EventLog.info(LOG, id, "skipped", "reason", "no longer in active/ or deferred/ (held or deleted)");
            return new End.Gone();
        }
        try (channel) {
            List<Integer> pending = message.progress().pendingIndices();
            if (pending.isEmpty()) {
                return remove(id, file);
            }
            Envelope envelope = message.envelope();
            List<Recipient> recipients = pending.stream().map(envelope.recipients()::get).toList();
            DeliveryOutcome outcome = deliver(new DeliveryRequest(envelope, recipients, message.content(file)));
            return settle(channel, file, message, pending, outcome);
        } catch (IOException e) {
            // Closing failed; the progress was already synced or reported.
            LOG.warn("queue_id={} closing the spool file failed: {}", id, e.toString());
            return new End.Gone();
        }
    }

    private End settle(FileChannel channel, Path file, SpooledMessage message, List<Integer> pending,
                       DeliveryOutcome outcome) {
        QueueId id = message.queueId();
        Envelope envelope = message.envelope();
        Instant now = clock.instant();
        String delay = delay(envelope.arrival(), now);
        int attempts = message.progress().attempts() + 1;
        Map<Integer, RecipientResult> results = match(envelope, pending, outcome);
        Instant expiry = envelope.arrival().plus(lifetime);
        boolean expired = !now.isBefore(expiry);
        Instant next = earliest(now.plus(retry.delay(attempts, random)), expiry);

        TreeMap<Integer, RecipientProgress> changes = new TreeMap<>();
        List<Integer> bounced = new ArrayList<>();
        List<Bounce> bounces = new ArrayList<>();
        for (int index : pending) {
            RecipientResult r = results.get(index);
            Recipient recipient = envelope.recipients().get(index);
            String to = "<" + recipient.address() + ">";
            metrics.recipient(r.status());
            switch (r.status()) {
                case DELIVERED -> {
                    changes.put(index, new RecipientProgress(RecipientProgress.State.DELIVERED, r.relay(), r.reply()));
                    EventLog.info(LOG, id, "delivered", "to", to, "relay", r.relay(), "delay", delay,
                            "status", "sent", "reply", r.reply());
                }
                case FAILED -> {
                    bounced.add(index);
                    bounces.add(new Bounce(recipient, r.relay(), r.reply(), Bounce.statusOf(r.reply(), "5.0.0"),
                            false, now));
                    changes.put(index, new RecipientProgress(RecipientProgress.State.BOUNCED, r.relay(), r.reply()));
                }
                case DEFERRED -> {
                    if (expired) {
                        metrics.expired();
                        bounced.add(index);
                        bounces.add(new Bounce(recipient, r.relay(), r.reply(), "4.4.7", true, now));
                        changes.put(index, new RecipientProgress(RecipientProgress.State.BOUNCED, r.relay(),
                                r.reply()));
                    } else {
                        changes.put(index, new RecipientProgress(RecipientProgress.State.PENDING, r.relay(),
                                r.reply()));
                        EventLog.warn(LOG, id, "deferred", "to", to, "relay", r.relay(), "delay", delay,
                                "status", "deferred", "reply", r.reply(), "next_attempt", next,
                                "attempts", attempts);
                    }
                }
            }
        }
        if (!bounces.isEmpty() && !reportBounces(id, message, file, bounces, delay)) {
            // No DSN could be spooled: keep them pending, so that a later attempt reports them.
            for (int index : bounced) {
                RecipientProgress p = changes.get(index);
                changes.put(index, new RecipientProgress(RecipientProgress.State.PENDING, p.relay(), p.reply()));
            }
            next = now.plus(retry.delay(attempts, random));
        }
        boolean anyPending = changes.values().stream().anyMatch(p -> !p.done());
        if (!anyPending) {
            // Every recipient is done: the file goes without a last progress
            // record. Should the machine die before the removal is on disk, the message is sent
            // again after the restart: a duplicate at worst, never a loss.
            return remove(id, file);
        }
        ProgressUpdate update = new ProgressUpdate(attempts, anyPending ? next : null, changes);
        SpooledMessage updated = record(channel, message, update);
        if (updated.progress().pendingCount() == 0) {
            return remove(id, file);
        }
        try {
            if (!directory.move(id, SpoolState.ACTIVE, SpoolState.DEFERRED)) {
                return new End.Gone();
            }
        } catch (IOException e) {
            // It stays in active/; the scheduler still waits before the next attempt.
            LOG.warn("queue_id={} cannot move to deferred/: {}", id, e.toString());
        }
        return new End.Again(updated, update.nextAttempt());
    }

    private boolean reportBounces(QueueId id, SpooledMessage message, Path file, List<Bounce> bounces, String delay) {
        Optional<QueueId> dsn;
        try {
            dsn = notifier.notify(message, message.content(file), bounces);
        } catch (IOException e) {
            EventLog.warn(LOG, id, "dsn_failed", "reason", String.valueOf(e.getMessage()));
            return false;
        }
        for (Bounce b : bounces) {
            String reply = b.expired()
                    ? "4.4.7 message expired after " + lifetime + " in the queue"
                            + (b.reply() == null ? "" : "; last reply: " + b.reply())
                    : b.reply();
            EventLog.warn(LOG, id, "bounced", "to", "<" + b.recipient().address() + ">", "relay", b.relay(),
                    "delay", delay, "status", b.expired() ? "expired" : "bounced", "reply", reply);
        }
        dsn.ifPresent(dsnId -> EventLog.info(LOG, id, "dsn", "dsn_queue_id", dsnId, "recipients", bounces.size()));
        return true;
    }

    private SpooledMessage record(FileChannel channel, SpooledMessage message, ProgressUpdate update) {
        try {
            return spool.recordProgress(channel, message, update);
        } catch (IOException e) {
            // Memory keeps the progress for this run; after a crash the attempt may be repeated.
            EventLog.warn(LOG, message.queueId(), "progress_failed", "reason", String.valueOf(e.getMessage()));
            return new SpooledMessage(message.envelope(), message.contentOffset(), message.contentLength(),
                    message.contentCrc(), message.progress().apply(update), message.recordsEnd());
        }
    }

    private End remove(QueueId id, Path file) {
        try {
            if (Files.deleteIfExists(file)) {
                EventLog.info(LOG, id, "removed");
                return new End.Done();
            }
        } catch (IOException e) {
            LOG.warn("queue_id={} cannot remove the finished message: {}", id, e.toString());
        }
        return new End.Gone();
    }

    private DeliveryOutcome deliver(DeliveryRequest request) {
        try {
            CompletableFuture<DeliveryOutcome> future = agent.deliver(request);
            DeliveryOutcome outcome = future == null ? null : future.get();
            if (outcome != null) {
                return outcome;
            }
            return allDeferred(request, "no outcome from the delivery agent");
        } catch (ExecutionException e) {
            return allDeferred(request, String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return allDeferred(request, "interrupted");
        } catch (RuntimeException e) {
            return allDeferred(request, e.toString());
        }
    }

    private static DeliveryOutcome allDeferred(DeliveryRequest request, String why) {
        LOG.error("queue_id={} delivery agent failed: {}", request.envelope().queueId(), why);
        return new DeliveryOutcome(request.recipients().stream()
                .map(r -> new RecipientResult(r, RecipientResult.Status.DEFERRED, "none",
                        "451 4.3.0 delivery failed inside the gateway: " + why))
                .toList());
    }

    /** Pairs each pending recipient with its result; one without a result is deferred. */
    private static Map<Integer, RecipientResult> match(Envelope envelope, List<Integer> pending, DeliveryOutcome outcome) {
        Map<Integer, RecipientResult> byIndex = new HashMap<>();
        for (RecipientResult r : outcome.results()) {
            Integer at = null;
            for (int index : pending) {
                Recipient candidate = envelope.recipients().get(index);
                if (!byIndex.containsKey(index) && candidate.equals(r.recipient())) {
                    at = index;
                    break;
                }
            }
            for (int index : pending) {
                if (at == null && !byIndex.containsKey(index)
                        && envelope.recipients().get(index).address().equals(r.recipient().address())) {
                    at = index;
                }
            }
            if (at != null) {
                byIndex.put(at, r);
            }
        }
        for (int index : pending) {
            byIndex.computeIfAbsent(index, i -> new RecipientResult(envelope.recipients().get(i),
                    RecipientResult.Status.DEFERRED, "none", "451 4.3.0 no result from the delivery agent"));
        }
        return byIndex;
    }

    /** Opens active/X, first bringing it from deferred/ when its time has come; null if it is neither. */
    private FileChannel openForAttempt(QueueId id, Path file) {
        for (int tries = 0; tries < 2; tries++) {
            try {
                return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                try {
                    if (!directory.move(id, SpoolState.DEFERRED, SpoolState.ACTIVE)) {
                        return null;
                    }
                } catch (IOException moveFailed) {
                    LOG.warn("queue_id={} cannot move to active/: {}", id, moveFailed.toString());
                    return null;
                }
            } catch (IOException e) {
                LOG.warn("queue_id={} cannot open the spool file: {}", id, e.toString());
                return null;
            }
        }
        return null;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String delay(Instant since, Instant now) {
        return String.format(Locale.ROOT, "%.1f", Math.max(0, Duration.between(since, now).toMillis()) / 1000.0);
    }
}
