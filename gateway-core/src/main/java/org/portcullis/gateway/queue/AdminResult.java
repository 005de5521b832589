package org.portcullis.gateway.queue;

import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.spool.SpoolState;

/** What an admin operation on one message did. */
public sealed interface AdminResult {

    QueueId queueId();

    record Moved(QueueId queueId, SpoolState from, SpoolState to) implements AdminResult {
    }

    record Deleted(QueueId queueId, SpoolState from) implements AdminResult {
    }

    /** It is already where the operation would put it (held when asked to hold, say). */
    record Unchanged(QueueId queueId, SpoolState state) implements AdminResult {
    }

    /** No such message in active/, deferred/ or hold/. */
    record NotFound(QueueId queueId) implements AdminResult {
    }
}
