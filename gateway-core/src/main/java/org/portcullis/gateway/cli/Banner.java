package org.portcullis.gateway.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.portcullis.gateway.config.GatewayConfig;
import org.portcullis.gateway.config.RouteConfig;

/** What the gateway says about itself at start and in {@code check-config}: where mail comes in and goes. */
final class Banner {

    private Banner() {
    }

    static List<String> describe(GatewayConfig config) {
        List<String> lines = new ArrayList<>();
        lines.add("host name:  " + config.hostname());
        lines.add("listens on: " + config.listeners().stream()
                .map(l -> l.name() + " " + hostPort(l.host(), l.port())).collect(Collectors.joining(", ")));
        lines.add("accepts:    mail for " + orNone(config.relay().acceptedDomains()) + " from anyone");
        lines.add("relays:     for " + (config.relay().trustedNetworks().isEmpty() ? "no network"
                : String.join(", ", config.relay().trustedNetworks()))
                + (config.auth().enabled() ? " and authenticated users" : "") + "; anyone else: 554 5.7.1");
        for (RouteConfig route : config.routes()) {
            lines.add("mail goes:  " + String.join(", ", route.domains()) + " -> "
                    + (route.usesMx() ? "MX lookup" : route.nextHops().stream().map(Object::toString)
                            .collect(Collectors.joining(", then ")))
                    + " (STARTTLS " + route.tls().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        lines.add("mail goes:  " + (config.routes().isEmpty() ? "all" : "unrouted") + " recipients -> "
                + (config.localDelivery().maildir() == null ? "wait in the queue (no route, no local_delivery)"
                        : "Maildir " + config.localDelivery().maildir().toAbsolutePath().normalize()));
        lines.add("spool:      " + config.spool().directory().toAbsolutePath().normalize());
        config.milterServer().ifPresent(m -> lines.add("milter:     server on " + m.address().text()
                + " (these filters and policy for an MTA in front)"));
        lines.add("features:   PIPELINING, SIZE " + config.smtp().maxMessageSize() + ", 8BITMIME, SMTPUTF8,"
                + " ENHANCEDSTATUSCODES, CHUNKING, DSN, STARTTLS ("
                + (config.tls().selfSigned() ? "self-signed certificate" : "certificate " + config.tls().certificate())
                + "), " + (config.auth().enabled() ? "AUTH PLAIN LOGIN after STARTTLS"
                        : "AUTH off (no auth.users_file)"));
        return lines;
    }

    private static String orNone(List<String> items) {
        return items.isEmpty() ? "no domain" : String.join(", ", items);
    }

    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
