package org.portcullis.message;

import java.util.List;

/**
 * What {@link MessageRewriter} did.
 *
 * @param envelope   the envelope changes, for the caller to apply to the queued envelope
 * @param notApplied mutations that could not be applied, each with the reason (e.g. a part
 *                   that does not exist); the rest were applied
 * @param changed    whether the message bytes differ from the original
 */
public record RewriteResult(EnvelopeChanges envelope, List<String> notApplied, boolean changed) {

    public RewriteResult {
        notApplied = List.copyOf(notApplied);
    }
}
