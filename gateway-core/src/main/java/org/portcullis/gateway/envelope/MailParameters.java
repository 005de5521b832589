package org.portcullis.gateway.envelope;

/**
 * The ESMTP parameters of MAIL FROM that must reach the next hop.
 *
 * @param body     {@code 7BIT}, {@code 8BITMIME} or {@code BINARYMIME}; null if the client gave none
 * @param smtpUtf8 whether the client asked for SMTPUTF8
 * @param ret      the RFC 3461 RET value ({@code FULL} or {@code HDRS}), or null
 * @param envid    the RFC 3461 ENVID value, still xtext-encoded, or null
 */
public record MailParameters(String body, boolean smtpUtf8, String ret, String envid) {

    public static final MailParameters NONE = new MailParameters(null, false, null, null);
}
