package org.portcullis.gateway.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.log.EventLog;
import org.portcullis.gateway.spool.SpoolDirectory;
import org.portcullis.gateway.spool.SpoolFileRead;
import org.portcullis.gateway.spool.SpoolFileReader;
import org.portcullis.gateway.spool.SpoolState;
import org.portcullis.gateway.spool.SpooledMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin's operations on a spool directory: list, hold, release, delete, flush. Each is a
 * rename or an unlink, so they are safe while the gateway runs: its queue manager checks before
 * every attempt that the message is still where it expects it, and its rescan picks up what is
 * released or flushed into active/. An attempt already in flight finishes; what it records
 * follows the file.
 */
public final class QueueAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(QueueAdmin.class);
    /** The queue manager may be moving the same file between active/ and deferred/. */
    private static final int RACE_RETRIES = 3;

    private final SpoolDirectory directory;

    public QueueAdmin(Path spoolDirectory) {
        this.directory = SpoolDirectory.existing(spoolDirectory);
    }

    /** Everything in active/, deferred/ and hold/, oldest first within each. */
    public List<QueueListing> list() throws IOException {
        // A message that moves on (active/ to deferred/ or hold/) while the directories are read
        // one after the other is seen twice: the later sighting is where it went, and counts.
        Map<String, QueueListing> out = new LinkedHashMap<>();
        for (SpoolState state : List.of(SpoolState.ACTIVE, SpoolState.DEFERRED, SpoolState.HOLD)) {
            for (QueueListing entry : list(state)) {
                String key = switch (entry) {
                    case QueueListing.Message m -> m.queueId().toString();
                    case QueueListing.Unreadable u -> u.fileName();
                };
                out.remove(key);
                out.put(key, entry);
            }
        }
        return new ArrayList<>(out.values());
    }

    /** The messages in one state directory; unreadable files are listed as such. */
    public List<QueueListing> list(SpoolState state) throws IOException {
        List<QueueListing> out = new ArrayList<>();
        for (Path file : directory.files(state)) {
            String name = file.getFileName().toString();
            switch (SpoolFileReader.read(file)) {
                case SpoolFileRead.Readable r -> out.add(entry(r.message(), state));
                case SpoolFileRead.Uncommitted u -> out.add(new QueueListing.Unreadable(name, state, u.reason()));
                case SpoolFileRead.Corrupt c -> out.add(new QueueListing.Unreadable(name, state, c.reason()));
                case SpoolFileRead.Missing m -> {
                }
            }
        }
        return out;
    }

    private static QueueListing.Message entry(SpooledMessage m, SpoolState state) {
        return new QueueListing.Message(m.queueId(), state, m.contentLength(), m.envelope().arrival(),
                m.envelope().sender(), m.progress().pendingCount(), m.progress().attempts(),
                m.progress().nextAttempt());
    }

    /** Moves a message from active/ or deferred/ into hold/: it is not delivered until released. */
    public AdminResult hold(QueueId id) throws IOException {
        for (int i = 0; i < RACE_RETRIES; i++) {
            for (SpoolState from : List.of(SpoolState.ACTIVE, SpoolState.DEFERRED)) {
                if (directory.move(id, from, SpoolState.HOLD)) {
                    directory.sync(SpoolState.HOLD);
                    EventLog.info(LOG, id, "held", "from", from.directoryName());
                    return new AdminResult.Moved(id, from, SpoolState.HOLD);
                }
            }
            Optional<AdminResult> settled = settled(id, SpoolState.HOLD);
            if (settled.isPresent()) {
                return settled.get();
            }
        }
        return new AdminResult.NotFound(id);
    }

    /** Moves a held message back into active/, to be delivered at the next rescan. */
    public AdminResult release(QueueId id) throws IOException {
        if (directory.move(id, SpoolState.HOLD, SpoolState.ACTIVE)) {
            directory.sync(SpoolState.ACTIVE);
            EventLog.info(LOG, id, "released");
            return new AdminResult.Moved(id, SpoolState.HOLD, SpoolState.ACTIVE);
        }
        return directory.locate(id).filter(s -> s != SpoolState.INCOMING)
                .<AdminResult>map(s -> new AdminResult.Unchanged(id, s))
                .orElse(new AdminResult.NotFound(id));
    }

    /** Removes a message from the queue, without any DSN. */
    public AdminResult delete(QueueId id) throws IOException {
        for (int i = 0; i < RACE_RETRIES; i++) {
            for (SpoolState from : List.of(SpoolState.HOLD, SpoolState.DEFERRED, SpoolState.ACTIVE)) {
                if (Files.deleteIfExists(directory.file(from, id))) {
                    EventLog.info(LOG, id, "removed", "reason", "deleted by admin", "from", from.directoryName());
                    return new AdminResult.Deleted(id, from);
                }
            }
        }
        return new AdminResult.NotFound(id);
    }

    /** Moves every deferred message into active/, to be tried at the next rescan. */
    public int flush() throws IOException {
        int moved = 0;
        for (Path file : directory.files(SpoolState.DEFERRED)) {
            Optional<QueueId> id = SpoolDirectory.queueIdOf(file);
            if (id.isPresent() && directory.move(id.get(), SpoolState.DEFERRED, SpoolState.ACTIVE)) {
                moved++;
            }
        }
        if (moved > 0) {
            directory.sync(SpoolState.ACTIVE);
        }
        EventLog.info(LOG, null, "flush", "messages", moved);
        return moved;
    }

    private Optional<AdminResult> settled(QueueId id, SpoolState wanted) {
        Optional<SpoolState> now = directory.locate(id);
        if (now.isEmpty() || now.get() == SpoolState.INCOMING) {
            return Optional.of(new AdminResult.NotFound(id));
        }
        if (now.get() == wanted) {
            return Optional.of(new AdminResult.Unchanged(id, wanted));
        }
        return Optional.empty();   // it moved between active/ and deferred/ meanwhile: try again
    }
}
