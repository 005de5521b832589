package org.portcullis.gateway.spool;

/**
 * Where a message is in its life, and the spool directory of that name: an admin sees the
 * state machine with {@code ls}, as with Postfix's queue.
 */
public enum SpoolState {
    /** Being received; never promised to anyone. Leftovers after a crash are removed. */
    INCOMING("incoming"),
    /** Committed and due for delivery now (or being delivered). */
    ACTIVE("active"),
    /** Waiting for its next attempt after a temporary failure. */
    DEFERRED("deferred"),
    /** Kept back by an admin; never delivered until released. */
    HOLD("hold"),
    /** Files that could not be read, set aside for an admin to look at; never deleted by us. */
    CORRUPT("corrupt");

    private final String directoryName;

    SpoolState(String directoryName) {
        this.directoryName = directoryName;
    }

    public String directoryName() {
        return directoryName;
    }
}
