package org.portcullis.gateway.smtp;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.portcullis.gateway.auth.Authenticator;
import org.portcullis.gateway.chain.Gate;
import org.portcullis.gateway.chain.Judge;
import org.portcullis.gateway.config.RelayConfig;
import org.portcullis.gateway.config.SmtpConfig;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.QueueIdGenerator;
import org.portcullis.gateway.relay.ConfiguredRelayControl;
import org.portcullis.gateway.relay.SmtpPathParser;
import org.portcullis.gateway.spool.Spool;
import org.portcullis.gateway.spool.SpoolWriter;

/**
 * An SMTP session in an {@link EmbeddedChannel}: bytes in, replies out, no sockets. The spool is
 * an in-memory seam whose commits the test completes (or fails) itself.
 */
final class SessionHarness {

    static final String HOST = "gw.portcullis.test";

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final MemorySpool spool = new MemorySpool();
    final EmbeddedChannel channel;
    final Gate gate;
    /** Complete commits at once (the default) or leave them pending for the test. */
    boolean autoCommit = true;

    SessionHarness(SmtpConfig config, String clientIp, SslContext tls, Authenticator authenticator) {
        this(config, clientIp, tls, authenticator, null);
    }

    /** @param gate the filters and judge; null for none */
    SessionHarness(SmtpConfig config, String clientIp, SslContext tls, Authenticator authenticator, Gate chainGate) {
        this.gate = chainGate != null ? chainGate
                : new Gate(org.portcullis.gateway.chain.FilterChain.empty(registry), Judge.proposals());
        var relay = new ConfiguredRelayControl(new RelayConfig(List.of("example.com"), List.of("192.0.2.0/24")),
                HOST, config.requireFqdnSender(), registry);
        var context = new SmtpServerContext(HOST, config, spool, new SmtpPathParser(HOST, registry), relay, tls,
                authenticator, address -> CompletableFuture.completedFuture(Optional.of("client.example")),
                new QueueIdGenerator(), Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC),
                () -> gate, new org.portcullis.gateway.archive.Archives(java.util.Map.of(), HOST));
        SmtpFramer framer = new SmtpFramer(config.maxCommandLineLength());
        InetSocketAddress remote = new InetSocketAddress(clientIp, 40000);
        channel = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
        channel.pipeline().addLast("framer", framer);
        channel.pipeline().addLast("session", new SmtpSession(context, new SmtpMetrics(registry), framer));
        channel.pipeline().fireChannelActive();
        channel.runPendingTasks();
    }

    SessionHarness() {
        this(SmtpConfig.defaults(), "198.51.100.7", null, null);
    }

    /** Sends bytes as the client; returns every reply line written since, joined by CRLF. */
    String send(String wire) {
        return send(wire.getBytes(StandardCharsets.UTF_8));
    }

    String send(byte[] wire) {
        if (channel.isOpen()) {
            channel.writeInbound(Unpooled.wrappedBuffer(wire));
        }
        settle();
        return replies();
    }

    /** Runs queued tasks and completes commits until nothing moves. */
    void settle() {
        for (int i = 0; i < 100; i++) {
            channel.runPendingTasks();
            boolean moved = autoCommit && spool.completePending();
            if (!moved) {
                break;
            }
        }
        channel.runPendingTasks();
        if (channel.isOpen()) {
            channel.flushOutbound();
        }
    }

    /** Sends bytes as the client without reading replies (for {@link #awaitReplies}). */
    void push(String wire) {
        if (channel.isOpen()) {
            channel.writeInbound(Unpooled.wrappedBuffer(wire.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Waits (bounded) until {@code count} more final reply lines have come, for filters on other threads. */
    String awaitReplies(int count) {
        StringBuilder out = new StringBuilder();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (finalLines(out) < count && System.nanoTime() < deadline) {
            settle();
            out.append(replies());
            if (finalLines(out) < count) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return out.toString();
    }

    private static int finalLines(CharSequence text) {
        return (int) java.util.Arrays.stream(text.toString().split("\r\n"))
                .filter(l -> l.length() >= 4 && l.charAt(3) == ' ').count();
    }

    String replies() {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out.toString();
    }

    /** Sends one command line and returns the reply. */
    String command(String line) {
        return send(line + "\r\n");
    }

    String ehloMailRcpt() {
        return command("EHLO client.example") + command("MAIL FROM:<a@sender.example.org>")
                + command("RCPT TO:<user@example.com>");
    }

    /** A spool in memory; a test seam, as the real spool is tested on its own. */
    static final class MemorySpool implements Spool {
        final List<Stored> stored = new ArrayList<>();
        final List<Stored> held = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        int aborted;
        IOException failBegin;
        IOException failWrite;
        IOException failCommit;

        @Override
        public SpoolWriter begin(Envelope envelope) throws IOException {
            if (failBegin != null) {
                throw failBegin;
            }
            Stored message = new Stored(envelope, new ByteArrayOutputStream());
            return new SpoolWriter() {
                @Override
                public void write(ByteBuffer bytes) throws IOException {
                    if (failWrite != null) {
                        throw failWrite;
                    }
                    byte[] copy = new byte[bytes.remaining()];
                    bytes.get(copy);
                    message.content().write(copy);
                }

                @Override
                public long size() {
                    return message.content().size();
                }

                @Override
                public CompletableFuture<Void> commit() {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    done.thenRun(() -> stored.add(message));
                    if (failCommit != null) {
                        done.completeExceptionally(failCommit);
                    } else {
                        pending.add(done);
                    }
                    return done;
                }

                @Override
                public CompletableFuture<Void> commitToHold() {
                    held.add(message);
                    return commit();
                }

                @Override
                public org.portcullis.gateway.delivery.MessageContent content() {
                    throw new IllegalStateException("the in-memory spool has no file; use a real spool for filters");
                }

                @Override
                public void abort() {
                    aborted++;
                }
            };
        }

        boolean completePending() {
            if (pending.isEmpty()) {
                return false;
            }
            List<CompletableFuture<Void>> now = new ArrayList<>(pending);
            pending.clear();
            now.forEach(f -> f.complete(null));
            return true;
        }

        String lastContent() {
            return stored.get(stored.size() - 1).content().toString(StandardCharsets.UTF_8);
        }

        /** The last message without our Received header (its first, folded, field). */
        String lastClientContent() {
            String all = lastContent();
            int i = all.indexOf("\r\n");
            while (i >= 0 && (all.startsWith("\t", i + 2) || all.startsWith(" ", i + 2))) {
                i = all.indexOf("\r\n", i + 2);
            }
            return all.substring(i + 2);
        }
    }

    record Stored(Envelope envelope, ByteArrayOutputStream content) {
    }
}
