package org.portcullis.gateway.milter;

/**
 * The milter could not give an answer: it is down, it did not answer in time, or it broke the
 * protocol. Thrown from a filter stage, so the chain applies the admin's fail-open or
 * fail-closed choice for this filter; the milter connection is closed, and the next SMTP
 * session opens a new one.
 */
public final class MilterUnavailableException extends RuntimeException {

    /** Why there was no answer. */
    public enum Reason {
        /** Nothing listens at the address, or the connection could not be made in time. */
        UNREACHABLE,
        /** The milter did not answer within the step's timeout. */
        TIMEOUT,
        /** The milter sent something the protocol does not allow. */
        PROTOCOL_ERROR,
        /** The connection broke or the milter closed it. */
        CONNECTION_LOST,
        /** An earlier failure in this SMTP session already ended the milter connection. */
        FAILED_EARLIER
    }

    private final String milter;
    private final Reason reason;

    public MilterUnavailableException(String milter, Reason reason, String message, Throwable cause) {
        super("milter " + milter + ": " + message, cause);
        this.milter = milter;
        this.reason = reason;
    }

    public MilterUnavailableException(String milter, Reason reason, String message) {
        this(milter, reason, message, null);
    }

    /** The filter's name in the chain. */
    public String milter() {
        return milter;
    }

    public Reason reason() {
        return reason;
    }
}
