package org.portcullis.gateway.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.portcullis.gateway.config.AuthConfig;
import org.portcullis.gateway.config.DeliveryConfig;
import org.portcullis.gateway.config.DnsConfig;
import org.portcullis.gateway.config.GatewayConfig;
import org.portcullis.gateway.config.ListenerConfig;
import org.portcullis.gateway.config.LocalDeliveryConfig;
import org.portcullis.gateway.config.RelayConfig;
import org.portcullis.gateway.config.RouteConfig;
import org.portcullis.gateway.config.SmtpConfig;
import org.portcullis.gateway.config.SpoolConfig;
import org.portcullis.gateway.config.TlsConfig;
import org.portcullis.gateway.envelope.ClientInfo;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.MailParameters;
import org.portcullis.gateway.envelope.QueueIdGenerator;
import org.portcullis.gateway.envelope.Recipient;

/** Configurations, spooled messages and requests for the delivery tests. */
final class TestSetup {

    private static final QueueIdGenerator IDS = new QueueIdGenerator();

    /** Bytes before the message in the test spool files, so that offsets are exercised. */
    static final byte[] SPOOL_PREFIX = "X-Spool-Envelope: not part of the message\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private TestSetup() {
    }

    /** Short timeouts so that a test that fails does so quickly. */
    static DeliveryConfig delivery(int maxPerHop, Duration reuse) {
        return new DeliveryConfig(Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofMinutes(1), Duration.ofHours(1), 0.2, Duration.ofDays(5), maxPerHop, reuse, 100);
    }

    static GatewayConfig config(List<RouteConfig> routes, Path maildir) {
        return config(routes, maildir, delivery(20, Duration.ofSeconds(10)), DnsConfig.defaults());
    }

    static GatewayConfig config(List<RouteConfig> routes, Path maildir, DeliveryConfig delivery, DnsConfig dns) {
        return new GatewayConfig("gateway.test", List.of(new ListenerConfig("inbound", "127.0.0.1", 2525)),
                SmtpConfig.defaults(), TlsConfig.defaults(), AuthConfig.defaults(),
                new RelayConfig(List.of("example.com"), List.of("127.0.0.0/8")), new SpoolConfig(Path.of("unused")),
                delivery, routes, new LocalDeliveryConfig(maildir), dns,
                org.portcullis.gateway.config.ChainConfig.none());
    }

    static RouteConfig route(String domain, RouteConfig.TlsPolicy tls, String... hops) {
        List<RouteConfig.NextHop> nextHops = new ArrayList<>();
        for (String hop : hops) {
            String scheme = hop.substring(0, hop.indexOf("://"));
            String hostPort = hop.substring(hop.indexOf("://") + 3);
            int colon = hostPort.lastIndexOf(':');
            nextHops.add(new RouteConfig.NextHop(RouteConfig.Protocol.valueOf(scheme.toUpperCase()),
                    hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))));
        }
        return new RouteConfig(List.of(domain), nextHops, tls);
    }

    /** Writes a message into a spool-like file after {@link #SPOOL_PREFIX}. */
    static MessageContent spool(Path dir, byte[] message) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "spool", ".msg");
        byte[] all = Arrays.copyOf(SPOOL_PREFIX, SPOOL_PREFIX.length + message.length);
        System.arraycopy(message, 0, all, SPOOL_PREFIX.length, message.length);
        Files.write(file, all);
        return new MessageContent(file, SPOOL_PREFIX.length, message.length);
    }

    static MessageContent spool(Path dir, String message) throws IOException {
        return spool(dir, message.getBytes(StandardCharsets.UTF_8));
    }

    static String simpleMessage(String subject) {
        return "From: sender@origin.test\r\nTo: someone@example.com\r\nSubject: " + subject + "\r\n"
                + "Message-ID: <" + subject.hashCode() + "@origin.test>\r\n\r\nHello.\r\n";
    }

    static MailAddress address(String text) {
        int at = text.lastIndexOf('@');
        return new MailAddress(text.substring(0, at), text.substring(at + 1));
    }

    static DeliveryRequest request(MessageContent content, String sender, String... recipients) {
        return request(content, MailParameters.NONE, sender,
                Arrays.stream(recipients).map(r -> Recipient.of(address(r))).toList());
    }

    static DeliveryRequest request(MessageContent content, MailParameters parameters, String sender,
                                   List<Recipient> recipients) {
        MailAddress from = sender.isEmpty() ? MailAddress.NULL_SENDER : address(sender);
        Envelope envelope = new Envelope(IDS.next(), from, recipients, parameters, ClientInfo.local("gateway.test"),
                Instant.now());
        return new DeliveryRequest(envelope, recipients, content);
    }
}
