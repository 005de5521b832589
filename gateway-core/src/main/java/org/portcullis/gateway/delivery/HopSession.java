package org.portcullis.gateway.delivery;

import java.util.Optional;
import org.portcullis.gateway.config.RouteConfig;

/**
 * A connection to a next hop that has been greeted and said EHLO (or LHLO/HELO) to, and so can
 * carry mail transactions; kept in a {@link HopPool} between them.
 */
final class HopSession {

    private final SmtpConnection connection;
    private final EhloExtensions extensions;
    private final RouteConfig.Protocol protocol;
    private long idleSince;

    HopSession(SmtpConnection connection, EhloExtensions extensions, RouteConfig.Protocol protocol) {
        this.connection = connection;
        this.extensions = extensions;
        this.protocol = protocol;
    }

    SmtpConnection connection() {
        return connection;
    }

    EhloExtensions extensions() {
        return extensions;
    }

    RouteConfig.Protocol protocol() {
        return protocol;
    }

    HopAddress hop() {
        return connection.hop();
    }

    boolean encrypted() {
        return connection.tls().isPresent();
    }

    Optional<String> tls() {
        return connection.tls();
    }

    /** Whether this session may carry mail for a route with the given TLS policy. */
    boolean suits(RouteConfig.Protocol wanted, RouteConfig.TlsPolicy policy) {
        return protocol == wanted && (policy != RouteConfig.TlsPolicy.REQUIRED || encrypted());
    }

    void markIdle(long nanoTime) {
        idleSince = nanoTime;
    }

    long idleSince() {
        return idleSince;
    }
}
