package org.portcullis.gateway.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection to a next hop, seen from the thread that runs the dialogue: a virtual
 * thread, which may block here while Netty's event loop does the I/O. Every wait is bounded,
 * and a hop that stops answering or hangs up yields a reply of our own (421 with an enhanced
 * code), so the dialogue always has a reply to act on.
 */
final class SmtpConnection {

    /** A QUIT's 221 is waited for this long before the connection is simply closed. */
    private static final Duration QUIT_GRACE = Duration.ofSeconds(2);

    private static final Object CLOSED = ReplyInbox.CLOSED;

    private final Channel channel;
    private final HopAddress hop;
    private final LinkedBlockingQueue<Object> inbox;
    private final DeliveryMetrics metrics;
    private volatile String lostReason;
    private volatile boolean quitting;
    private String tlsDescription;

    private SmtpConnection(Channel channel, HopAddress hop, LinkedBlockingQueue<Object> inbox, DeliveryMetrics metrics) {
        this.channel = channel;
        this.hop = hop;
        this.inbox = inbox;
        this.metrics = metrics;
    }

    /** The outcome of a connect: a connection, or why there is none. */
    sealed interface Attempt {
        record Connected(SmtpConnection connection) implements Attempt {
        }

        record Refused(String explanation) implements Attempt {
        }
    }

    static Attempt connect(ClientTransport transport, HopAddress hop, Duration timeout, DeliveryMetrics metrics) {
        LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        SmtpConnection[] self = new SmtpConnection[1];
        CompletableFuture<Channel> connecting = transport.connect(hop.address(), timeout, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("replies", new SmtpReplyDecoder());
                ch.pipeline().addLast("chunks", new ChunkedWriteHandler());
                ch.pipeline().addLast("inbox", new ReplyInbox(inbox, reason -> {
                    if (self[0] != null) {
                        self[0].lost(reason);
                    }
                }));
            }
        });
        try {
            Channel channel = connecting.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            SmtpConnection connection = new SmtpConnection(channel, hop, inbox, metrics);
            self[0] = connection;
            return new Attempt.Connected(connection);
        } catch (TimeoutException e) {
            connecting.thenAccept(Channel::close);
            metrics.timeout("connect");
            return new Attempt.Refused("4.4.1 connect to " + hop.endpoint() + ": timed out");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof io.netty.channel.ConnectTimeoutException) {
                metrics.timeout("connect");
            }
            return new Attempt.Refused("4.4.1 connect to " + hop.endpoint() + ": " + connectError(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connecting.thenAccept(Channel::close);
            return new Attempt.Refused("4.3.2 delivery stopped while connecting to " + hop.endpoint());
        }
    }

    HopAddress hop() {
        return hop;
    }

    /** Sends command lines with one flush: several when pipelining, else one. */
    void send(List<String> lines) {
        for (String line : lines) {
            ByteBuf buf = ByteBufUtil.writeUtf8(channel.alloc(), line + "\r\n");
            channel.write(buf).addListener(f -> {
                if (!f.isSuccess()) {
                    lost(describe(f.cause()));
                    channel.close();
                }
            });
        }
        channel.flush();
    }

    void send(String line) {
        send(List.of(line));
    }

    /**
     * The next reply, or one of our own when none comes in time (the connection is then closed,
     * since its state is unknown) or the connection is gone.
     *
     * @param waitingFor what the reply answers, for the explanation, e.g. {@code MAIL FROM}
     */
    SmtpReply read(Duration timeout, String waitingFor) {
        return read(timeout, waitingFor, "command");
    }

    /** As {@link #read(Duration, String)}, for the reply after the message data. */
    SmtpReply readAfterData(Duration timeout, String waitingFor) {
        return read(timeout, waitingFor, "data");
    }

    private SmtpReply read(Duration timeout, String waitingFor, String stage) {
        if (lostReason != null && inbox.isEmpty()) {
            return lostReply(waitingFor);
        }
        Object item;
        try {
            item = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lost("delivery stopped");
            channel.close();
            return SmtpReply.local(421, "4.3.2 delivery stopped while waiting for reply to " + waitingFor
                    + " from " + hop.relay());
        }
        if (item == null) {
            metrics.timeout(stage);
            lost("timeout");
            channel.close();
            return SmtpReply.local(421, "4.4.2 timeout after " + seconds(timeout) + " waiting for reply to "
                    + waitingFor + " from " + hop.relay());
        }
        if (item == CLOSED) {
            return lostReply(waitingFor);
        }
        return (SmtpReply) item;
    }

    /**
     * Writes message data ({@link io.netty.handler.stream.ChunkedInput} or
     * {@link io.netty.channel.FileRegion}, with any command lines already written before it) and
     * waits until the last byte is out. The data timeout counts from the last progress, so a slow
     * but moving transfer of a large message is not cut off.
     *
     * @return a reply of our own when the transfer stalled or the connection broke
     */
    Optional<SmtpReply> stream(List<String> commandsBefore, Object data, Duration idleTimeout, String what) {
        for (String line : commandsBefore) {
            channel.write(ByteBufUtil.writeUtf8(channel.alloc(), line + "\r\n"));
        }
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        CompletableFuture<Void> sent = new CompletableFuture<>();
        channel.writeAndFlush(data, channel.newProgressivePromise()).addListener(new ChannelProgressiveFutureListener() {
            @Override
            public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
                lastProgress.set(System.nanoTime());
            }

            @Override
            public void operationComplete(ChannelProgressiveFuture future) {
                if (future.isSuccess()) {
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(future.cause());
                }
            }
        });
        while (true) {
            long idle = System.nanoTime() - lastProgress.get();
            long left = idleTimeout.toNanos() - idle;
            if (left <= 0) {
                metrics.timeout("data");
                lost("timeout");
                channel.close();
                return Optional.of(SmtpReply.local(421, "4.4.2 timeout after " + seconds(idleTimeout)
                        + " without progress sending " + what + " to " + hop.relay()));
            }
            try {
                sent.get(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                return Optional.empty();
            } catch (TimeoutException e) {
                // Look at the progress again.
            } catch (ExecutionException e) {
                lost(describe(e.getCause()));
                channel.close();
                return Optional.of(lostReply(what));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lost("delivery stopped");
                channel.close();
                return Optional.of(SmtpReply.local(421, "4.3.2 delivery stopped while sending " + what));
            }
        }
    }

    /**
     * Starts TLS after the hop's 220 to STARTTLS and waits for the handshake.
     *
     * @return why TLS could not be started; empty when it was
     */
    Optional<String> startTls(SslContext context, Duration timeout) {
        CompletableFuture<SslHandler> installed = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            // On the event loop, so no byte can slip in between dropping the clear-text
            // leftovers and putting TLS in front of the decoder.
            SmtpReplyDecoder decoder = channel.pipeline().get(SmtpReplyDecoder.class);
            int injected = decoder == null ? 0 : decoder.discardBuffered();
            for (var it = inbox.iterator(); it.hasNext(); ) {
                if (it.next() != CLOSED) {
                    it.remove();
                    injected++;
                }
            }
            if (injected > 0) {
                lost("data sent in clear after 220 to STARTTLS");
                channel.close();
                installed.completeExceptionally(new IllegalStateException("the hop sent data in clear after its"
                        + " 220 to STARTTLS (an injection attempt)"));
                return;
            }
            String sni = sniName();
            SslHandler ssl = sni == null
                    ? context.newHandler(channel.alloc())
                    : context.newHandler(channel.alloc(), sni, hop.address().getPort());
            ssl.setHandshakeTimeoutMillis(timeout.toMillis());
            channel.pipeline().addFirst("tls", ssl);
            installed.complete(ssl);
        });
        try {
            SslHandler ssl = installed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            CompletableFuture<Void> handshake = new CompletableFuture<>();
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    handshake.complete(null);
                } else {
                    handshake.completeExceptionally(f.cause());
                }
            });
            handshake.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            var session = ssl.engine().getSession();
            tlsDescription = session.getProtocol() + " " + session.getCipherSuite();
            return Optional.empty();
        } catch (ExecutionException e) {
            channel.close();
            return Optional.of(describe(e.getCause()));
        } catch (TimeoutException e) {
            channel.close();
            return Optional.of("handshake timed out after " + seconds(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close();
            return Optional.of("delivery stopped");
        }
    }

    /** The TLS protocol and cipher once STARTTLS succeeded, e.g. {@code TLSv1.3 TLS_AES_256_GCM_SHA384}. */
    Optional<String> tls() {
        return Optional.ofNullable(tlsDescription);
    }

    /** Whether the connection can still carry a transaction. */
    boolean usable() {
        return lostReason == null && channel.isActive() && !quitting;
    }

    /** Says QUIT without waiting: the connection closes on the 221, or after a short grace. */
    CompletableFuture<Void> quit() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.closeFuture().addListener(f -> closed.complete(null));
        if (!channel.isActive() || quitting) {
            return closed;
        }
        quitting = true;
        ReplyInbox handler = channel.pipeline().get(ReplyInbox.class);
        if (handler != null) {
            handler.closeOnNextReply();
        }
        channel.writeAndFlush(ByteBufUtil.writeAscii(channel.alloc(), "QUIT\r\n"));
        try {
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, QUIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The event loop is shutting down and closes every channel anyway.
            channel.close();
        }
        return closed;
    }

    void close() {
        channel.close();
    }

    /** Runs a task on this connection's event loop after a delay; it must not block. */
    void after(Duration delay, Runnable task) {
        try {
            channel.eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: the connection goes with the event loop, no timer needed.
            channel.close();
        }
    }

    private void lost(String reason) {
        if (lostReason == null) {
            lostReason = reason;
        }
    }

    private SmtpReply lostReply(String waitingFor) {
        String reason = lostReason == null || lostReason.equals("closed") ? "" : " (" + lostReason + ")";
        return SmtpReply.local(421, "4.4.2 lost connection with " + hop.relay() + " while waiting for reply to "
                + waitingFor + reason);
    }

    private String sniName() {
        String host = hop.host();
        // SNI carries host names only, never address literals (RFC 6066 section 3).
        return host.matches("[0-9.]+") || host.contains(":") ? null : host;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    static String connectError(Throwable error) {
        String message = error.getMessage();
        if (error instanceof ConnectException && message != null) {
            // NIO says "Connection refused: /127.0.0.1:2526", epoll "finishConnect(..) failed
            // with error(-111): Connection refused"; the address is said already.
            int colon = message.indexOf(": /");
            String reason = colon > 0 ? message.substring(0, colon) : message;
            int detail = reason.lastIndexOf("): ");
            return detail > 0 ? reason.substring(detail + 3) : reason;
        }
        return describe(error);
    }

    static String describe(Throwable error) {
        if (error instanceof ClosedChannelException) {
            return "closed";
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
