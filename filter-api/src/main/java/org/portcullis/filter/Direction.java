package org.portcullis.filter;

/** Which way a message travels through the gateway. */
public enum Direction {
    /** From the Internet to the organisation's own mail servers. */
    INBOUND,
    /** From the organisation (trusted networks, authenticated users) out to the Internet. */
    OUTBOUND
}
