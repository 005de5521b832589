package org.portcullis.gateway.spool;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.log.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue on disk: one file per message, in the directory of its state. Sessions write
 * through {@link #begin}; the queue manager records delivery progress through
 * {@link #recordProgress}; {@link #recover} makes sense of what a crash left.
 */
public final class FileSpool implements Spool, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileSpool.class);

    private final SpoolDirectory directory;
    private final Durability durability;
    private final SpoolMetrics metrics;
    private final GroupCommitter committer;
    /** Messages of this process in incoming/: recovery must leave them alone. */
    private final Set<QueueId> receiving = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    FileSpool(SpoolDirectory directory, Durability durability, SpoolMetrics metrics, CommitListener listener) {
        this.directory = directory;
        this.durability = durability;
        this.metrics = metrics;
        this.committer = new GroupCommitter(this, directory, durability, metrics, listener);
    }

    /**
     * Opens (creating if needed) the spool under {@code root}.
     *
     * @param listener told of every message once it is durable in active/
     * @throws IOException naming the directory when it cannot be used
     */
    public static FileSpool open(Path root, MeterRegistry registry, CommitListener listener) throws IOException {
        return new FileSpool(SpoolDirectory.create(root), Durability.SYSTEM, new SpoolMetrics(registry), listener);
    }

    /**
     * {@inheritDoc}
     *
     * @throws FileAlreadyExistsException when a message with this queue id is already spooled
     */
    @Override
    public SpoolWriter begin(Envelope envelope) throws IOException {
        QueueId id = envelope.queueId();
        if (closed) {
            metrics.writeFailure("begin");
            throw new IOException("the spool is closed");
        }
        if (!receiving.add(id)) {
            metrics.writeFailure("begin");
            throw new FileAlreadyExistsException(id.value(), null, "queue id is already being received");
        }
        try {
            if (directory.locate(id).isPresent()) {
                throw new FileAlreadyExistsException(id.value(), null, "queue id is already in the spool");
            }
            FileChannel channel = FileChannel.open(directory.file(SpoolState.INCOMING, id),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new FileSpoolWriter(this, envelope, channel);
        } catch (IOException e) {
            receiving.remove(id);
            writeFailed(id, "begin", e);
            throw e;
        }
    }

    public SpoolDirectory directory() {
        return directory;
    }

    public SpoolMetrics metrics() {
        return metrics;
    }

    /** Messages being received right now (files in incoming/ of this process). */
    public int receivingCount() {
        return receiving.size();
    }

    /**
     * Appends one progress record to a message's file through an open channel (so it lands in
     * the file wherever an admin may have moved it meanwhile), cutting off any torn record left
     * by a crash, and fsyncs it.
     *
     * @return the message with its new progress
     */
    public SpooledMessage recordProgress(FileChannel channel, SpooledMessage message, ProgressUpdate update)
            throws IOException {
        ByteBuffer record = SpoolRecords.progress(update);
        long at = message.recordsEnd();
        long end = at + record.remaining();
        for (long position = at; record.hasRemaining(); ) {
            position += channel.write(record, position);
        }
        if (channel.size() > end) {
            channel.truncate(end);
        }
        durability.syncFile(channel);
        metrics.progressFsync();
        return message.withProgress(message.progress().apply(update), end);
    }

    /** Reads the spool after a start or a crash; see {@link SpoolRecovery}. */
    public SpoolRecovery.Result recover() {
        return new SpoolRecovery(this, directory).run(receiving::contains);
    }

    /**
     * Moves an unusable file into corrupt/ and says so in the log.
     *
     * @return true when it was moved; false when it had gone or cannot be moved
     */
    public boolean setAside(Path file, String reason) {
        QueueId id = SpoolDirectory.queueIdOf(file).orElse(null);
        try {
            Path target = directory.setAside(file);
            metrics.corrupt();
            EventLog.warn(LOG, id, "corrupt", "file", directory.root().relativize(file), "reason", reason,
                    "moved_to", directory.root().relativize(target));
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            EventLog.warn(LOG, id, "corrupt", "file", directory.root().relativize(file), "reason", reason,
                    "error", "cannot be moved aside: " + e.getMessage());
            return false;
        }
    }

    GroupCommitter committer() {
        return committer;
    }

    Durability durability() {
        return durability;
    }

    /** Removes a message that is not (or no longer) going to be committed. Never throws. */
    void discard(QueueId id, FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException | RuntimeException e) {
            // closing is best effort; the file goes below either way
        }
        deleteQuietly(directory.file(SpoolState.INCOMING, id));
        receiving.remove(id);
    }

    /** Removes a message renamed into active/ whose commit then failed. */
    void discardCommitted(QueueId id, SpoolState state) {
        deleteQuietly(directory.file(state, id));
        receiving.remove(id);
    }

    void finished(QueueId id) {
        receiving.remove(id);
    }

    void writeFailed(QueueId id, String stage, Throwable cause) {
        metrics.writeFailure(stage);
        if (stage.equals("commit")) {
            metrics.commitFailed();
        }
        EventLog.warn(LOG, id, "spool_failed", "stage", stage, "reason", String.valueOf(cause.getMessage()));
    }

    void listenerFailed(QueueId id, RuntimeException e) {
        LOG.error("queue_id={} event=handoff_failed reason=\"{}\"", id, e, e);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot remove {}: {}", file, e.toString());
        }
    }

    /** Stops taking messages and waits (bounded) for commits under way. */
    @Override
    public void close() {
        closed = true;
        committer.close();
    }
}
