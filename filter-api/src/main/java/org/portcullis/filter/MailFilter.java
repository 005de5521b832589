package org.portcullis.filter;

/**
 * A filter of the Portcullis chain. It implements only the stages it cares about; every stage
 * it leaves alone proceeds. Stages come in the order of the SMTP dialogue, as in milter:
 *
 * <ol>
 *   <li>{@link #onConnect} — the client connected (a reject refuses the session)</li>
 *   <li>{@link #onHelo} — it said HELO/EHLO</li>
 *   <li>{@link #onMailFrom} — MAIL FROM (a reject refuses the transaction)</li>
 *   <li>{@link #onRcptTo} — each RCPT TO (a reject refuses that recipient only)</li>
 *   <li>{@link #onHeaders} — the header section has arrived</li>
 *   <li>{@link #onEndOfMessage} — the whole message has arrived: the only stage whose
 *       {@link Mutation mutations} are applied</li>
 * </ol>
 *
 * <p>A filter instance serves many sessions at once and must be thread-safe; a filter that keeps
 * state per connection returns a fresh instance from {@link #forSession}. Stages may block (they
 * run on virtual threads); the chain enforces the filter's timeout. An exception or a timeout is
 * a failure of the filter, and the message is tempfailed unless the admin chose fail-open.
 */
public interface MailFilter {

    default StageResult onConnect(Connection connection) {
        return StageResult.proceed();
    }

    default StageResult onHelo(Connection connection) {
        return StageResult.proceed();
    }

    /** @param envelope the transaction so far: sender and its parameters, no recipients yet */
    default StageResult onMailFrom(Envelope envelope) {
        return StageResult.proceed();
    }

    /**
     * @param envelope  the transaction so far, with the recipients accepted before this one
     * @param recipient the recipient being given now
     */
    default StageResult onRcptTo(Envelope envelope, Recipient recipient) {
        return StageResult.proceed();
    }

    default StageResult onHeaders(Envelope envelope, Headers headers) {
        return StageResult.proceed();
    }

    default StageResult onEndOfMessage(MessageView message) {
        return StageResult.proceed();
    }

    /**
     * The filter for one SMTP session. Stateless filters (the usual kind) are their own; one that
     * keeps per-connection state, such as a milter connection, returns a new instance here and
     * cleans up in {@link #close()}.
     */
    default MailFilter forSession() {
        return this;
    }

    /** The session (for a session instance) or the gateway (for a shared one) is done with it. */
    default void close() {
    }
}
