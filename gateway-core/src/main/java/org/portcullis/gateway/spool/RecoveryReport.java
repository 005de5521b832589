package org.portcullis.gateway.spool;

/**
 * What recovery found in the spool at start.
 *
 * @param active            messages in active/, to be delivered now
 * @param deferred          messages in deferred/, to be delivered at their next attempt
 * @param held              messages in hold/, left alone
 * @param corrupt           unusable files set aside into corrupt/ by this recovery
 * @param incomingRemoved   leftovers in incoming/ that never completed a commit, removed
 * @param incomingRecovered messages in incoming/ whose commit was complete but not yet moved
 *                          into active/; they count as committed (and are among {@code active})
 * @param completedRemoved  files whose every recipient was already done, removed
 */
public record RecoveryReport(int active, int deferred, int held, int corrupt, int incomingRemoved,
                             int incomingRecovered, int completedRemoved) {
}
