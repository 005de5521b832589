package org.portcullis.gateway.spool;

import java.util.Objects;

/**
 * Where one recipient of a spooled message stands.
 *
 * @param state whether it still waits, was delivered, or was bounced (its DSN, if any, is spooled)
 * @param relay the next hop of the latest attempt, or null before any
 * @param reply the latest reply (e.g. the 4xx that deferred it), or null before any
 */
public record RecipientProgress(State state, String relay, String reply) {

    public enum State {
        PENDING, DELIVERED, BOUNCED
    }

    private static final RecipientProgress NEW = new RecipientProgress(State.PENDING, null, null);

    public RecipientProgress {
        Objects.requireNonNull(state, "state");
    }

    public static RecipientProgress pending() {
        return NEW;
    }

    public boolean done() {
        return state != State.PENDING;
    }
}
