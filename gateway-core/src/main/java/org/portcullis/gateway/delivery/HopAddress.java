package org.portcullis.gateway.delivery;

import java.net.InetSocketAddress;
import org.portcullis.gateway.config.RouteConfig;

/**
 * One address of one next hop, as tried in a delivery.
 *
 * @param host     the name the route or the MX record gave (may itself be an IP literal)
 * @param address  the resolved address and port
 * @param protocol SMTP or LMTP
 */
record HopAddress(String host, InetSocketAddress address, RouteConfig.Protocol protocol) {

    /** As delivery reports show it: {@code mx.example.com[192.0.2.1]:25}. */
    String relay() {
        return host + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
    }

    /** The address as text for explanations and metric tags: {@code 192.0.2.1:25}. */
    String endpoint() {
        String ip = address.getAddress().getHostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }

    @Override
    public String toString() {
        return relay();
    }
}
