package org.portcullis.gateway.envelope;

/**
 * Who handed the message to us.
 *
 * @param address     the client's IP address as text
 * @param reverseName the client's verified reverse DNS name, or null if unknown
 * @param helo        the name given in HELO/EHLO
 * @param protocol    {@code SMTP}, {@code ESMTP}, {@code ESMTPS}, {@code ESMTPSA} … (RFC 3848), as
 *                    written in the Received header
 * @param tls         the TLS protocol and cipher (e.g. {@code TLSv1.3 TLS_AES_256_GCM_SHA384}),
 *                    or null when the session was in clear text
 * @param authUser    the authenticated user, or null
 */
public record ClientInfo(String address, String reverseName, String helo, String protocol,
                         String tls, String authUser) {

    /** A client that is the gateway itself, e.g. for bounces it generates. */
    public static ClientInfo local(String hostname) {
        return new ClientInfo("127.0.0.1", hostname, hostname, "LOCAL", null, null);
    }
}
