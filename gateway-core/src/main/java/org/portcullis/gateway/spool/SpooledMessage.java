package org.portcullis.gateway.spool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.portcullis.gateway.delivery.MessageContent;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.envelope.Recipient;

/**
 * A committed message as the spool file describes it. The file's name and state directory are
 * not part of it: renames between states do not change what is in the file.
 *
 * @param envelope      everything the SMTP dialogue said, as committed
 * @param contentOffset where the message bytes start in the file
 * @param contentLength how many message bytes there are
 * @param contentCrc    CRC-32C of the message bytes
 * @param progress      the delivery state folded from the file's progress records
 * @param recordsEnd    where the next progress record goes (after the last valid one)
 */
public record SpooledMessage(Envelope envelope, long contentOffset, long contentLength, int contentCrc,
                             Progress progress, long recordsEnd) {

    public SpooledMessage {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(progress, "progress");
        if (progress.recipients().size() != envelope.recipients().size()) {
            throw new IllegalArgumentException("progress for " + progress.recipients().size()
                    + " recipients, envelope has " + envelope.recipients().size());
        }
    }

    public QueueId queueId() {
        return envelope.queueId();
    }

    /** Where delivery reads the bytes, given the file's current path. */
    public MessageContent content(Path file) {
        return new MessageContent(file, contentOffset, contentLength);
    }

    /** The recipients still to deliver, in envelope order. */
    public List<Recipient> pendingRecipients() {
        List<Recipient> out = new ArrayList<>();
        for (int index : progress.pendingIndices()) {
            out.add(envelope.recipients().get(index));
        }
        return out;
    }

    SpooledMessage withProgress(Progress next, long nextRecordsEnd) {
        return new SpooledMessage(envelope, contentOffset, contentLength, contentCrc, next, nextRecordsEnd);
    }
}
