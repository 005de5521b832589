package org.portcullis.gateway.config;

import java.time.Duration;
import java.util.Objects;
import org.portcullis.gateway.milter.MilterAddress;

/**
 * The milter server: the gateway's filter chains and policy offered to an MTA (Postfix's
 * {@code smtpd_milters}, Sendmail's {@code INPUT_MAIL_FILTER}) as a milter. Off unless
 * {@code milter_server} is configured.
 *
 * @param address          {@code milter_server.address}: where it listens, {@code inet:host:port}
 *                         or {@code unix:/path}
 * @param socketMode       {@code milter_server.socket_mode} ({@code 0660}): the permissions of a
 *                         Unix socket, so that the MTA's user (its group) can connect
 * @param negotiateTimeout {@code milter_server.timeouts.negotiate} (30s): from the MTA's connection
 *                         to its option negotiation
 * @param idleTimeout      {@code milter_server.timeouts.idle} (10m): the longest wait for the MTA's
 *                         next command (a whole SMTP session may pass between two)
 * @param writeTimeout     {@code milter_server.timeouts.write} (30s): sending one answer to the MTA
 * @param progressInterval {@code milter_server.progress_interval} (10s): while a stage runs longer,
 *                         the MTA is told every so often that we are still working, so that it
 *                         does not time out (Postfix waits 30s for a command, 300s for content)
 * @param maxConnections   {@code milter_server.max_connections} (1000): MTA connections at once;
 *                         further ones are closed at once (the MTA applies its default action)
 * @param maxMessageSize   {@code milter_server.max_message_size} (50m): a larger message is refused
 *                         at its end with 552 5.3.4, as the SMTP listener does
 */
public record MilterServerConfig(MilterAddress address, String socketMode, Duration negotiateTimeout,
                                 Duration idleTimeout, Duration writeTimeout, Duration progressInterval,
                                 int maxConnections, long maxMessageSize) {

    public static final String DEFAULT_SOCKET_MODE = "0660";
    public static final Duration DEFAULT_NEGOTIATE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 50L * 1024 * 1024;

    public MilterServerConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(socketMode, "socketMode");
        if (!socketMode.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("socket mode must be octal, e.g. 0660: " + socketMode);
        }
        for (Duration d : new Duration[] {negotiateTimeout, idleTimeout, writeTimeout, progressInterval}) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }
        if (maxConnections < 1 || maxMessageSize < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** The defaults for a server at {@code address}. */
    public static MilterServerConfig defaults(MilterAddress address) {
        return new MilterServerConfig(address, DEFAULT_SOCKET_MODE, DEFAULT_NEGOTIATE_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_WRITE_TIMEOUT, DEFAULT_PROGRESS_INTERVAL, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_MESSAGE_SIZE);
    }

    /** The socket mode as POSIX permissions, e.g. {@code rw-rw----}. */
    public java.util.Set<java.nio.file.attribute.PosixFilePermission> socketPermissions() {
        int mode = Integer.parseInt(socketMode, 8);
        StringBuilder text = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (mode >> shift) & 7;
            text.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return java.nio.file.attribute.PosixFilePermissions.fromString(text.toString());
    }
}
