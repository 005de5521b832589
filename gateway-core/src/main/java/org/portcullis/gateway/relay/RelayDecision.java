package org.portcullis.gateway.relay;

/**
 * The answer of relay control for one recipient.
 */
public sealed interface RelayDecision {

    /** Accepted: mail for one of our domains, or relaying allowed for this client. */
    record Accept(Direction direction) implements RelayDecision {
    }

    /** Refused, with the SMTP reply to give. */
    record Refuse(int code, String enhancedCode, String text) implements RelayDecision {
    }

    /** Which way a message travels: towards the internal tier or out to the Internet. */
    enum Direction { INBOUND, OUTBOUND }
}
