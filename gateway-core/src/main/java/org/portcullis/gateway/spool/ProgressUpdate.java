package org.portcullis.gateway.spool;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one delivery attempt changed, appended to the message file as one checksummed record.
 *
 * @param attempts    the attempts made so far, this one included
 * @param nextAttempt when to try again, or null when nothing is left to try
 * @param changes     the recipients this attempt settled or deferred, by index in the envelope
 */
public record ProgressUpdate(int attempts, Instant nextAttempt, SortedMap<Integer, RecipientProgress> changes) {

    /** Replies are kept for admins and DSNs; a next hop's essay is cut here. */
    static final int MAX_STORED_TEXT = 1000;

    public ProgressUpdate {
        // Stored with millisecond precision; truncating here keeps memory and disk in step.
        nextAttempt = nextAttempt == null ? null : nextAttempt.truncatedTo(ChronoUnit.MILLIS);
        TreeMap<Integer, RecipientProgress> copy = new TreeMap<>();
        for (Map.Entry<Integer, RecipientProgress> e : changes.entrySet()) {
            RecipientProgress p = e.getValue();
            copy.put(e.getKey(), new RecipientProgress(p.state(), cut(p.relay()), cut(p.reply())));
        }
        changes = java.util.Collections.unmodifiableSortedMap(copy);
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_STORED_TEXT ? text : text.substring(0, MAX_STORED_TEXT);
    }
}
