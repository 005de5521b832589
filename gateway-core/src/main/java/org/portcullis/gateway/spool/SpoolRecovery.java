package org.portcullis.gateway.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.log.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sense of the spool after a start or a crash. Every file is judged on its own, and no
 * file can stop the others from being recovered:
 * <ul>
 * <li>incoming/: a file whose commit record is complete counts as committed (the crash came
 *     between its fsync and its rename) and moves to active/ once its content checksum is
 *     confirmed; any other file there was never acknowledged and is removed;</li>
 * <li>active/ and deferred/: delivered again; a torn last progress record is ignored;</li>
 * <li>hold/: stays held;</li>
 * <li>anything unusable outside incoming/ is set aside into corrupt/ — never deleted.</li>
 * </ul>
 */
public final class SpoolRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolRecovery.class);

    private final FileSpool spool;
    private final SpoolDirectory directory;
    private final List<Recovered> messages = new ArrayList<>();
    private int active;
    private int deferred;
    private int held;
    private int corrupt;
    private int incomingRemoved;
    private int incomingRecovered;
    private int completedRemoved;

    /** A message to deliver, and the state it was found in. */
    public record Recovered(SpooledMessage message, SpoolState state) {
    }

    /** What recovery found, and the messages to hand to the queue. */
    public record Result(RecoveryReport report, List<Recovered> messages) {
        public Result {
            messages = List.copyOf(messages);
        }
    }

    SpoolRecovery(FileSpool spool, SpoolDirectory directory) {
        this.spool = spool;
        this.directory = directory;
    }

    Result run(Predicate<QueueId> receivingNow) {
        recoverIncoming(receivingNow);
        for (SpoolState state : List.of(SpoolState.ACTIVE, SpoolState.DEFERRED, SpoolState.HOLD)) {
            for (Path file : list(state)) {
                recoverQueued(file, state);
            }
        }
        RecoveryReport report = new RecoveryReport(active, deferred, held, corrupt, incomingRemoved,
                incomingRecovered, completedRemoved);
        EventLog.info(LOG, null, "recovered", "active", active, "deferred", deferred, "held", held,
                "corrupt", corrupt, "incoming_removed", incomingRemoved, "incoming_recovered", incomingRecovered,
                "completed_removed", completedRemoved);
        return new Result(report, messages);
    }

    private void recoverIncoming(Predicate<QueueId> receivingNow) {
        boolean promoted = false;
        for (Path file : list(SpoolState.INCOMING)) {
            Optional<QueueId> id = SpoolDirectory.queueIdOf(file);
            if (id.isEmpty()) {
                setAside(file, "file name is not a queue id");
                continue;
            }
            if (receivingNow.test(id.get())) {
                continue;
            }
            switch (SpoolFileReader.read(file)) {
                case SpoolFileRead.Readable r -> promoted |= promote(file, id.get(), r.message());
                case SpoolFileRead.Uncommitted u -> removeIncoming(file, id.get(), u.reason());
                case SpoolFileRead.Corrupt c -> removeIncoming(file, id.get(), c.reason());
                case SpoolFileRead.Missing m -> {
                }
            }
        }
        if (promoted) {
            try {
                directory.sync(SpoolState.ACTIVE);
            } catch (IOException e) {
                LOG.warn("cannot fsync {}: {}", directory.directory(SpoolState.ACTIVE), e.toString());
            }
        }
    }

    private boolean promote(Path file, QueueId id, SpooledMessage message) {
        try {
            if (!SpoolFileReader.contentIntact(file, message)) {
                // Its commit was cut short by the crash before the content reached the disk.
                setAside(file, "commit record present but content checksum differs");
                return false;
            }
            if (directory.locate(id).filter(s -> s != SpoolState.INCOMING).isPresent()) {
                setAside(file, "a message with this queue id is already queued");
                return false;
            }
            if (!directory.move(id, SpoolState.INCOMING, SpoolState.ACTIVE)) {
                return false;
            }
        } catch (IOException e) {
            setAside(file, "cannot be recovered: " + e.getMessage());
            return false;
        }
        incomingRecovered++;
        // The pass over active/ that follows picks it up with the others.
        EventLog.info(LOG, id, "recovered", "reason", "committed before the crash, moved to active/");
        return true;
    }

    private void removeIncoming(Path file, QueueId id, String reason) {
        try {
            Files.deleteIfExists(file);
            incomingRemoved++;
            EventLog.info(LOG, id, "removed", "reason", "never committed: " + reason);
        } catch (IOException e) {
            LOG.warn("queue_id={} cannot remove incoming leftover: {}", id, e.toString());
        }
    }

    private void recoverQueued(Path file, SpoolState state) {
        switch (SpoolFileReader.read(file)) {
            case SpoolFileRead.Readable r -> {
                if (r.tornTail()) {
                    EventLog.warn(LOG, r.message().queueId(), "torn_record", "file",
                            directory.root().relativize(file), "reason", "last progress record incomplete; ignored");
                }
                if (state != SpoolState.HOLD && r.message().progress().pendingCount() == 0) {
                    removeCompleted(file, r.message().queueId());
                } else {
                    accept(r.message(), state);
                }
            }
            case SpoolFileRead.Uncommitted u -> setAside(file, "not committed: " + u.reason());
            case SpoolFileRead.Corrupt c -> setAside(file, c.reason());
            case SpoolFileRead.Missing m -> {
            }
        }
    }

    private void removeCompleted(Path file, QueueId id) {
        try {
            Files.deleteIfExists(file);
            completedRemoved++;
            EventLog.info(LOG, id, "removed", "reason", "every recipient done");
        } catch (IOException e) {
            LOG.warn("queue_id={} cannot remove completed message: {}", id, e.toString());
        }
    }

    private void accept(SpooledMessage message, SpoolState state) {
        switch (state) {
            case ACTIVE -> active++;
            case DEFERRED -> deferred++;
            case HOLD -> held++;
            default -> throw new IllegalStateException("recovered into " + state);
        }
        if (state != SpoolState.HOLD) {
            messages.add(new Recovered(message, state));
        }
    }

    private void setAside(Path file, String reason) {
        if (spool.setAside(file, reason)) {
            corrupt++;
        }
    }

    private List<Path> list(SpoolState state) {
        try {
            return directory.files(state);
        } catch (IOException e) {
            LOG.error("cannot list {}: {}", directory.directory(state), e.toString());
            return List.of();
        }
    }
}
