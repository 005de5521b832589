package org.portcullis.gateway.queue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.portcullis.gateway.delivery.MessageContent;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.envelope.QueueIdGenerator;
import org.portcullis.gateway.spool.Spool;
import org.portcullis.gateway.spool.SpoolWriter;
import org.portcullis.gateway.spool.SpooledMessage;

/**
 * Turns given-up recipients into a DSN to the sender, spooled as a message of its own (its own
 * queue id, the null sender) and delivered like any other. No DSN goes to the null sender (that
 * would answer a bounce with a bounce), nor for recipients whose NOTIFY excludes FAILURE.
 */
final class BounceNotifier {

    /** A commit that takes longer than this is treated as failed (the disk is in trouble). */
    private static final long COMMIT_WAIT_SECONDS = 60;
    /** Fresh ids to try if one is taken (the sessions draw from their own generator). */
    private static final int ID_TRIES = 5;

    private final Spool spool;
    private final QueueIdGenerator ids;
    private final DsnComposer composer;
    private final Clock clock;
    private final QueueMetrics metrics;

    BounceNotifier(Spool spool, QueueIdGenerator ids, DsnComposer composer, Clock clock, QueueMetrics metrics) {
        this.spool = spool;
        this.ids = ids;
        this.composer = composer;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Spools the DSN for these bounces, if one is due.
     *
     * @return the DSN's queue id, or empty when none is due
     * @throws IOException when a DSN is due but could not be spooled (the bounces must then
     *                     stay pending, to be reported on a later attempt)
     */
    Optional<QueueId> notify(SpooledMessage original, MessageContent content, List<Bounce> bounces)
            throws IOException {
        if (original.envelope().sender().isNullSender()) {
            return Optional.empty();
        }
        List<Bounce> reported = bounces.stream().filter(Bounce::wantsFailureNotice).toList();
        if (reported.isEmpty()) {
            return Optional.empty();
        }
        SpoolWriter writer = null;
        Envelope dsn = null;
        for (int i = 0; writer == null; i++) {
            dsn = composer.envelope(ids.next(), original, clock.instant());
            try {
                writer = spool.begin(dsn);
            } catch (FileAlreadyExistsException taken) {
                if (i + 1 >= ID_TRIES) {
                    throw taken;
                }
            }
        }
        try {
            composer.write(writer, dsn, original, content, reported);
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e;
        }
        try {
            writer.commit().get(COMMIT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("DSN could not be spooled: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("DSN commit did not finish in " + COMMIT_WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while spooling a DSN", e);
        }
        metrics.dsn();
        return Optional.of(dsn.queueId());
    }
}
