package org.portcullis.gateway.milter;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/** Where a milter listens, written as Postfix writes it: {@code inet:host:port} or {@code unix:/path}. */
public sealed interface MilterAddress {

    SocketAddress socketAddress();

    /** As the admin wrote it, for logs and metric tags. */
    String text();

    record Inet(String host, int port) implements MilterAddress {
        public Inet {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port must be 1 to 65535: " + port);
            }
        }

        @Override
        public SocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String text() {
            return "inet:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    record Unix(Path path) implements MilterAddress {
        public Unix {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        @Override
        public String text() {
            return "unix:" + path;
        }
    }

    /**
     * Reads {@code inet:host:port} ({@code inet:[::1]:port} for IPv6) or {@code unix:/path}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static MilterAddress parse(String text) {
        String t = text.strip();
        if (t.startsWith("unix:")) {
            String path = t.substring(5);
            if (path.isEmpty()) {
                throw new IllegalArgumentException("unix: needs a socket path");
            }
            return new Unix(Path.of(path));
        }
        if (t.startsWith("inet:")) {
            String rest = t.substring(5);
            int colon = rest.lastIndexOf(':');
            if (colon <= 0 || colon == rest.length() - 1) {
                throw new IllegalArgumentException("inet: needs host:port, e.g. inet:127.0.0.1:8891");
            }
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new IllegalArgumentException("write an IPv6 host in brackets: inet:[::1]:8891");
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a port: " + rest.substring(colon + 1));
            }
            return new Inet(host, port);
        }
        throw new IllegalArgumentException("must be inet:host:port or unix:/path, not " + text);
    }
}
