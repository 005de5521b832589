package org.portcullis.gateway.queue;

import java.time.Instant;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.spool.SpoolState;

/** One line of a queue listing: a message, or a file in the spool that cannot be read as one. */
public sealed interface QueueListing {

    SpoolState state();

    /**
     * A queued message.
     *
     * @param size              its content in bytes
     * @param arrival           when it was accepted
     * @param sender            its envelope sender ({@link MailAddress#NULL_SENDER} for a DSN)
     * @param pendingRecipients recipients still to deliver
     * @param attempts          delivery attempts so far
     * @param nextAttempt       when the next attempt is due, or null if none was scheduled yet
     */
    record Message(QueueId queueId, SpoolState state, long size, Instant arrival, MailAddress sender,
                   int pendingRecipients, int attempts, Instant nextAttempt) implements QueueListing {
    }

    /** A file that is not (or not yet) a readable message, with the reason. */
    record Unreadable(String fileName, SpoolState state, String reason) implements QueueListing {
    }
}
