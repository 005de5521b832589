package org.portcullis.gateway.spool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The delivery state of a spooled message: folded from its progress records.
 *
 * @param attempts    attempts made so far
 * @param nextAttempt when the next attempt is due, or null when none was scheduled yet
 * @param recipients  one entry per envelope recipient, in envelope order
 */
public record Progress(int attempts, Instant nextAttempt, List<RecipientProgress> recipients) {

    public Progress {
        recipients = List.copyOf(recipients);
    }

    public static Progress initial(int recipientCount) {
        List<RecipientProgress> all = new ArrayList<>(recipientCount);
        for (int i = 0; i < recipientCount; i++) {
            all.add(RecipientProgress.pending());
        }
        return new Progress(0, null, all);
    }

    /** @throws IllegalArgumentException when the update names a recipient that is not there */
    public Progress apply(ProgressUpdate update) {
        List<RecipientProgress> next = new ArrayList<>(recipients);
        for (Map.Entry<Integer, RecipientProgress> change : update.changes().entrySet()) {
            int index = change.getKey();
            if (index < 0 || index >= next.size()) {
                throw new IllegalArgumentException("no recipient #" + index + " in a message of " + next.size());
            }
            next.set(index, change.getValue());
        }
        return new Progress(update.attempts(), update.nextAttempt(), next);
    }

    /** The indices of recipients still to deliver. */
    public List<Integer> pendingIndices() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            if (!recipients.get(i).done()) {
                out.add(i);
            }
        }
        return out;
    }

    public int pendingCount() {
        return (int) recipients.stream().filter(r -> !r.done()).count();
    }
}
