package org.portcullis.gateway.config;

/**
 * One address the SMTP server listens on.
 *
 * @param name    a name for logs and metrics, e.g. {@code inbound}
 * @param host    the address to bind, e.g. {@code 127.0.0.1} or {@code ::}
 * @param port    the port; 0 picks a free one (for tests)
 */
public record ListenerConfig(String name, String host, int port) {
}
