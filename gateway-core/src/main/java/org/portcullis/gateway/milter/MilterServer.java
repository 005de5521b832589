package org.portcullis.gateway.milter;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.portcullis.gateway.log.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The milter server: Portcullis's filter chains and policy as a milter that Postfix or Sendmail
 * call. Listens on {@code inet:host:port} or {@code unix:/path}; each MTA connection is a
 * {@link MilterServerSession} on its own virtual thread. Beyond {@code max_connections} a new
 * connection is closed at once, and the MTA applies its {@code milter_default_action}.
 */
public final class MilterServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("milterd");

    private final MilterServerContext context;
    private final MilterServerMetrics metrics;
    private final Set<MilterServerSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private ServerSocketChannel server;
    private Thread acceptor;
    private Path socketFile;
    private volatile boolean closed;

    public MilterServer(MilterServerContext context, MeterRegistry registry) {
        this.context = context;
        this.metrics = new MilterServerMetrics(registry);
    }

    /**
     * Binds and starts accepting.
     *
     * @return the address bound (with the real port for {@code inet:host:0})
     * @throws IOException when the address cannot be bound, or a Unix socket path is taken by a file
     */
    public synchronized SocketAddress start() throws IOException {
        MilterAddress address = context.config().address();
        if (address instanceof MilterAddress.Unix unix) {
            Path path = unix.path();
            if (Files.exists(path) && (Files.isRegularFile(path) || Files.isDirectory(path))) {
                throw new IOException("cannot listen on " + address.text() + ": a file is in the way");
            }
            // A socket left by a gateway that did not stop cleanly.
            Files.deleteIfExists(path);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(address.socketAddress());
            socketFile = path;
            try {
                Files.setPosixFilePermissions(path, context.config().socketPermissions());
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the socket keeps what the umask gave it.
            }
        } else {
            server = ServerSocketChannel.open();
            server.bind(address.socketAddress(), 128);
        }
        SocketAddress bound = server.getLocalAddress();
        acceptor = Thread.ofVirtual().name("milterd-accept").start(this::acceptLoop);
        LOG.info("milter server listening on {}", describe(bound));
        return bound;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.warn("milter server: accept failed: {}", e.getMessage());
                continue;
            }
            if (metrics.active.get() >= context.config().maxConnections()) {
                metrics.limit("connections");
                metrics.connection("refused");
                EventLog.warn(LOG, null, "milter_too_many_connections", "limit", context.config().maxConnections());
                closeQuietly(channel);
                continue;
            }
            MilterServerSession session;
            try {
                session = new MilterServerSession(context, metrics, SocketTransport.accepted(channel),
                        "m" + Long.toString(ids.incrementAndGet(), 36));
            } catch (IOException e) {
                LOG.warn("milter server: cannot take a connection: {}", e.getMessage());
                continue;
            }
            metrics.connection("accepted");
            metrics.active.incrementAndGet();
            sessions.add(session);
            Thread.ofVirtual().name("milterd-session").start(() -> {
                try {
                    session.run();
                } finally {
                    sessions.remove(session);
                    metrics.active.decrementAndGet();
                }
            });
        }
    }

    /** Stops listening and ends the sessions under way (their MTAs apply their default action). */
    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                // Closing is all there is to do.
            }
        }
        sessions.forEach(MilterServerSession::close);
        if (acceptor != null) {
            try {
                acceptor.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (socketFile != null) {
            try {
                Files.deleteIfExists(socketFile);
            } catch (IOException e) {
                // Left for the next start, which removes it.
            }
        }
    }

    /** {@code inet:127.0.0.1:8899} or {@code unix:/path}, for logs. */
    public static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress().getHostAddress();
            return "inet:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return "unix:" + address;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more to do with it.
        }
    }
}
