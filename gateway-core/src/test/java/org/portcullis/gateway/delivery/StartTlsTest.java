package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.gateway.delivery.TestSetup.config;
import static org.portcullis.gateway.delivery.TestSetup.request;
import static org.portcullis.gateway.delivery.TestSetup.route;
import static org.portcullis.gateway.delivery.TestSetup.spool;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portcullis.gateway.config.RouteConfig;
import org.portcullis.gateway.config.RouteConfig.TlsPolicy;

/** STARTTLS towards the sink with a self-signed certificate made by openssl. */
class StartTlsTest {

    @TempDir
    static Path certs;

    @TempDir
    Path tmp;

    private static Path[] certificate;

    @BeforeAll
    static void makeCertificate() {
        certificate = TlsPeers.selfSignedCertificate(certs);
    }

    private static String[] tlsSink(String... more) {
        List<String> options = new ArrayList<>(List.of("--tls-cert", certificate[0].toString(),
                "--tls-key", certificate[1].toString()));
        options.addAll(List.of(more));
        return options.toArray(String[]::new);
    }

    private DeliveryOutcome deliverVia(Sink sink, TlsPolicy tls, SimpleMeterRegistry registry) throws Exception {
        try (var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", tls, sink.hop("smtp"))), null),
                registry)) {
            return SmtpRelayTest.deliver(agent, request(spool(tmp, SmtpRelayTest.DOTTY), "sender@origin.test",
                    "a@example.com"));
        }
    }

    @ParameterizedTest(name = "extra sink options: {0}")
    @ValueSource(strings = {"", "--chunking", "--pipelining"})
    void deliversOverTlsWhenTlsIsRequiredAndOffered(String extra) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Sink sink = Sink.start(tmp.resolve("sink"), tlsSink(extra.isEmpty() ? new String[0] : new String[] {extra}))) {
            DeliveryOutcome outcome = deliverVia(sink, TlsPolicy.REQUIRED, registry);

            assertThat(outcome.results().getFirst().status()).isEqualTo(RecipientResult.Status.DELIVERED);
            assertThat(sink.message(1)).isEqualTo(SmtpRelayTest.DOTTY.getBytes(StandardCharsets.US_ASCII));
            assertThat(registry.get("portcullis.delivery.tls").tag("result", "established").counter().count())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void defersWhenTlsIsRequiredButNotOffered() throws Exception {
        try (Sink sink = Sink.start(tmp.resolve("sink"))) {
            DeliveryOutcome outcome = deliverVia(sink, TlsPolicy.REQUIRED, new SimpleMeterRegistry());

            assertThat(outcome.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
                assertThat(r.reply()).isEqualTo("4.7.4 TLS is required, but 127.0.0.1[127.0.0.1]:" + sink.port
                        + " does not offer STARTTLS");
            });
            assertThat(sink.messages()).isEmpty();
        }
    }

    @Test
    void carriesOnInClearWhenTlsIsOpportunisticAndNotOffered() throws Exception {
        try (Sink sink = Sink.start(tmp.resolve("sink"))) {
            DeliveryOutcome outcome = deliverVia(sink, TlsPolicy.OPPORTUNISTIC, new SimpleMeterRegistry());

            assertThat(outcome.results().getFirst().status()).isEqualTo(RecipientResult.Status.DELIVERED);
        }
    }

    @Test
    void startsTlsWhenOpportunisticAndOffered() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Sink sink = Sink.start(tmp.resolve("sink"), tlsSink())) {
            DeliveryOutcome outcome = deliverVia(sink, TlsPolicy.OPPORTUNISTIC, registry);

            assertThat(outcome.results().getFirst().status()).isEqualTo(RecipientResult.Status.DELIVERED);
            assertThat(registry.get("portcullis.delivery.tls").tag("result", "established").counter().count())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void reconnectsInClearWhenAnOpportunisticHandshakeFails() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Sink sink = Sink.start(tmp.resolve("sink"), tlsSink("--tls-broken"))) {
            DeliveryOutcome outcome = deliverVia(sink, TlsPolicy.OPPORTUNISTIC, registry);

            assertThat(outcome.results().getFirst().status()).isEqualTo(RecipientResult.Status.DELIVERED);
            assertThat(sink.connections()).isEqualTo(2);
            assertThat(registry.get("portcullis.delivery.tls").tag("result", "failed").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void defersWhenARequiredHandshakeFails() throws Exception {
        try (Sink sink = Sink.start(tmp.resolve("sink"), tlsSink("--tls-broken"))) {
            DeliveryOutcome outcome = deliverVia(sink, TlsPolicy.REQUIRED, new SimpleMeterRegistry());

            assertThat(outcome.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
                assertThat(r.reply()).startsWith("4.7.5 TLS handshake with 127.0.0.1[127.0.0.1]:" + sink.port + " failed");
            });
            assertThat(sink.messages()).isEmpty();
        }
    }

    @Test
    void refusesRepliesInjectedInClearAfterThe220ToStarttls() throws Exception {
        try (Sink sink = Sink.start(tmp.resolve("sink"), tlsSink("--starttls-inject"))) {
            DeliveryOutcome outcome = deliverVia(sink, TlsPolicy.REQUIRED, new SimpleMeterRegistry());

            assertThat(outcome.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
                assertThat(r.reply()).contains("injection");
            });
            assertThat(sink.messages()).isEmpty();
        }
    }

    @Test
    void neverStartsTlsWhenThePolicyIsNone() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Sink sink = Sink.start(tmp.resolve("sink"), tlsSink())) {
            DeliveryOutcome outcome = deliverVia(sink, RouteConfig.TlsPolicy.NONE, registry);

            assertThat(outcome.results().getFirst().status()).isEqualTo(RecipientResult.Status.DELIVERED);
            assertThat(registry.find("portcullis.delivery.tls").counter()).isNull();
        }
    }
}
