package org.portcullis.filter;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The SMTP client as the gateway knows it at a stage.
 *
 * @param address     the client's IP address
 * @param port        the client's TCP port
 * @param reverseName the client's forward-confirmed reverse DNS name, if any
 * @param helo        the HELO/EHLO name, once given
 * @param tls         the TLS protocol and cipher (e.g. {@code TLSv1.3 with cipher TLS_AES_128_GCM_SHA256}), if TLS is on
 * @param authUser    the authenticated user, if any
 * @param trusted     whether the client is in the trusted networks or authenticated: the gateway's own side
 */
public record Connection(InetAddress address, int port, Optional<String> reverseName, Optional<String> helo,
                         Optional<String> tls, Optional<String> authUser, boolean trusted) {

    public Connection {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(reverseName, "reverseName");
        Objects.requireNonNull(helo, "helo");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(authUser, "authUser");
    }

    /** A client from {@code address} that has said nothing yet. */
    public static Connection of(InetAddress address) {
        return new Connection(address, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
    }

    public Connection withHelo(String name) {
        return new Connection(address, port, reverseName, Optional.of(name), tls, authUser, trusted);
    }
}
