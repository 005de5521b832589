package org.portcullis.gateway.queue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.portcullis.gateway.config.AuthConfig;
import org.portcullis.gateway.config.DeliveryConfig;
import org.portcullis.gateway.config.DnsConfig;
import org.portcullis.gateway.config.GatewayConfig;
import org.portcullis.gateway.config.ListenerConfig;
import org.portcullis.gateway.config.LocalDeliveryConfig;
import org.portcullis.gateway.config.RelayConfig;
import org.portcullis.gateway.config.SmtpConfig;
import org.portcullis.gateway.config.SpoolConfig;
import org.portcullis.gateway.config.TlsConfig;
import org.portcullis.gateway.delivery.DeliveryAgent;
import org.portcullis.gateway.delivery.DeliveryOutcome;
import org.portcullis.gateway.delivery.DeliveryRequest;
import org.portcullis.gateway.delivery.MessageContent;
import org.portcullis.gateway.delivery.RecipientResult;
import org.portcullis.gateway.envelope.ClientInfo;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.MailParameters;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.envelope.QueueIdGenerator;
import org.portcullis.gateway.envelope.Recipient;
import org.portcullis.gateway.spool.Spool;
import org.portcullis.gateway.spool.SpoolWriter;
import org.slf4j.LoggerFactory;

/** A gateway configuration, a scriptable delivery agent and a log capture for the queue tests. */
final class QueueFixtures {

    static final String HOSTNAME = "gw.portcullis.test";
    static final QueueIdGenerator IDS = new QueueIdGenerator();
    static final MailAddress SENDER = new MailAddress("alice", "sender.test");

    private QueueFixtures() {
    }

    static DeliveryConfig delivery(Duration initial, Duration max, double jitter, Duration lifetime, int concurrent) {
        DeliveryConfig d = DeliveryConfig.defaults();
        return new DeliveryConfig(d.connectTimeout(), d.commandTimeout(), d.dataTimeout(), initial, max, jitter,
                lifetime, d.maxConnectionsPerHop(), d.maxIdleConnectionTime(), concurrent);
    }

    static GatewayConfig config(Path spool, DeliveryConfig delivery) {
        return new GatewayConfig(HOSTNAME, List.of(new ListenerConfig("in", "127.0.0.1", 0)), SmtpConfig.defaults(),
                TlsConfig.defaults(), AuthConfig.defaults(), new RelayConfig(List.of(), List.of()),
                new SpoolConfig(spool), delivery, List.of(), new LocalDeliveryConfig(null), DnsConfig.defaults(),
                org.portcullis.gateway.config.ChainConfig.none());
    }

    /** Short rescans so that admin operations show within a test's patience. */
    static QueueSettings fastSettings() {
        return new QueueSettings(Duration.ofMillis(100), Duration.ofSeconds(5), 1024 * 1024);
    }

    static Recipient rcpt(String local) {
        return Recipient.of(new MailAddress(local, "example.com"));
    }

    static Envelope envelope(MailAddress sender, String ret, Instant arrival, Recipient... recipients) {
        return new Envelope(IDS.next(), sender, List.of(recipients), new MailParameters(null, false, ret, "ENV+2D1"),
                new ClientInfo("192.0.2.7", "client.sender.test", "client.sender.test", "ESMTP", null, null), arrival);
    }

    static byte[] content(QueueId id) {
        return ("Received: from client.sender.test by " + HOSTNAME + " with ESMTP id " + id + "\r\n"
                + "From: <alice@sender.test>\r\n"
                + "Subject: quarterly figures\r\n"
                + "\r\n"
                + "The body line one.\r\n"
                + "The body line two.\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Spools a message as a session would, and waits for its 250. */
    static Envelope submit(Spool spool, Envelope envelope) throws Exception {
        SpoolWriter writer = spool.begin(envelope);
        writer.write(ByteBuffer.wrap(content(envelope.queueId())));
        writer.commit().get(10, TimeUnit.SECONDS);
        return envelope;
    }

    static boolean await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    static byte[] read(MessageContent content) {
        try (InputStream in = content.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A delivery agent whose answer per recipient the test decides, and which remembers every call. */
    static final class FakeAgent implements DeliveryAgent {

        record Call(DeliveryRequest request, byte[] content, long nanos) {
            QueueId queueId() {
                return request.envelope().queueId();
            }
        }

        final List<Call> calls = new CopyOnWriteArrayList<>();
        volatile BiFunction<DeliveryRequest, Recipient, RecipientResult> rule = (request, r) -> delivered(r);

        @Override
        public CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest request) {
            calls.add(new Call(request, read(request.content()), System.nanoTime()));
            return CompletableFuture.completedFuture(new DeliveryOutcome(
                    request.recipients().stream().map(r -> rule.apply(request, r)).toList()));
        }

        List<Call> callsFor(QueueId id) {
            return calls.stream().filter(c -> c.queueId().equals(id)).toList();
        }

        List<Call> callsFrom(MailAddress sender) {
            return calls.stream().filter(c -> c.request().envelope().sender().equals(sender)).toList();
        }

        static RecipientResult delivered(Recipient r) {
            return new RecipientResult(r, RecipientResult.Status.DELIVERED, "hop.test[127.0.0.1]:25", "250 2.0.0 Ok");
        }

        static RecipientResult deferred(Recipient r) {
            return new RecipientResult(r, RecipientResult.Status.DEFERRED, "hop.test[127.0.0.1]:25",
                    "451 4.4.1 hop.test is not answering");
        }

        static RecipientResult failed(Recipient r) {
            return new RecipientResult(r, RecipientResult.Status.FAILED, "mx.example.com[192.0.2.25]:25",
                    "550 5.1.1 <" + r.address() + ">: Recipient address rejected: User unknown");
        }
    }

    /** The event lines logged under org.portcullis.gateway while it is open. */
    static final class LogCapture implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger("org.portcullis.gateway");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogCapture() {
            appender.start();
            logger.addAppender(appender);
        }

        List<String> lines() {
            return List.copyOf(appender.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
        }

        List<String> lines(String contains) {
            return lines().stream().filter(l -> l.contains(contains)).toList();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
        }
    }
}
