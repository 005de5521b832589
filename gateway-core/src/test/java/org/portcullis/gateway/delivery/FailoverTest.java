package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.gateway.delivery.TestSetup.config;
import static org.portcullis.gateway.delivery.TestSetup.request;
import static org.portcullis.gateway.delivery.TestSetup.route;
import static org.portcullis.gateway.delivery.TestSetup.spool;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.config.RouteConfig;
import org.portcullis.gateway.it.Peers;

/** Next hops in failover order; a route with no hop left defers, never throws. */
class FailoverTest {

    @TempDir
    Path tmp;

    @Test
    void triesTheSecondNextHopWhenTheFirstIsDown() throws Exception {
        int down = Peers.freePort();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Sink sink = Sink.start(tmp.resolve("sink"));
             var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", RouteConfig.TlsPolicy.NONE,
                     "smtp://127.0.0.1:" + down, sink.hop("smtp"))), null), registry)) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("failover")),
                    "sender@origin.test", "a@example.com"));

            assertThat(outcome.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.DELIVERED);
                assertThat(r.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + sink.port);
            });
            assertThat(sink.messages()).hasSize(1);
            assertThat(registry.get("portcullis.delivery.connection.failures").tag("hop", "127.0.0.1:" + down)
                    .tag("stage", "connect").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void triesTheNextHopWhenTheFirstGreetsWith421() throws Exception {
        try (Sink busy = Sink.start(tmp.resolve("busy"), "--busy");
             Sink sink = Sink.start(tmp.resolve("sink"));
             var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", RouteConfig.TlsPolicy.NONE,
                     busy.hop("smtp"), sink.hop("smtp"))), null), new SimpleMeterRegistry())) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("busy")),
                    "sender@origin.test", "a@example.com"));

            assertThat(outcome.results().getFirst().status()).isEqualTo(RecipientResult.Status.DELIVERED);
            assertThat(busy.connections()).isEqualTo(1);
            assertThat(sink.messages()).hasSize(1);
        }
    }

    @Test
    void defersEveryRecipientWhenNoNextHopAnswers() throws Exception {
        int down1 = Peers.freePort();
        int down2 = Peers.freePort();
        try (var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", RouteConfig.TlsPolicy.NONE,
                "smtp://127.0.0.1:" + down1, "smtp://127.0.0.1:" + down2)), null), new SimpleMeterRegistry())) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("down")),
                    "sender@origin.test", "a@example.com", "b@example.com"));

            assertThat(outcome.results()).hasSize(2).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
                assertThat(r.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + down2);
                assertThat(r.reply()).isEqualTo("4.4.1 connect to 127.0.0.1:" + down2 + ": Connection refused");
            });
        }
    }

    @Test
    void defersWhenTheHopGreetsWith421AndThereIsNoOther() throws Exception {
        try (Sink busy = Sink.start(tmp.resolve("busy"), "--busy");
             var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", RouteConfig.TlsPolicy.NONE,
                     busy.hop("smtp"))), null), new SimpleMeterRegistry())) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("busy")),
                    "sender@origin.test", "a@example.com"));

            assertThat(outcome.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
                assertThat(r.reply()).isEqualTo("421 4.3.2 sink.test busy, try another server");
            });
        }
    }

    @Test
    void defersRecipientsNoRouteMatchesWhenThereIsNoMaildir() throws Exception {
        try (Sink sink = Sink.start(tmp.resolve("sink"));
             var agent = new RoutingDeliveryAgent(config(List.of(route(".example.com", RouteConfig.TlsPolicy.NONE,
                     sink.hop("smtp"))), null), new SimpleMeterRegistry())) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("route")),
                    "sender@origin.test", "a@sub.example.com", "b@example.com", "c@elsewhere.test"));

            assertThat(outcome.results()).extracting(RecipientResult::status).containsExactly(
                    RecipientResult.Status.DELIVERED, RecipientResult.Status.DEFERRED, RecipientResult.Status.DEFERRED);
            assertThat(outcome.results().get(1).reply()).isEqualTo("4.4.0 no route for domain example.com");
            assertThat(outcome.results().get(1).relay()).isEqualTo("none");
            assertThat(sink.messages()).hasSize(1);
        }
    }

    @Test
    void defersWhenTheHopStopsAnsweringWithinTheCommandTimeout() throws Exception {
        // A listener that accepts and never greets: the greeting wait runs into delivery.timeouts.command.
        try (java.net.ServerSocket mute = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            var delivery = new org.portcullis.gateway.config.DeliveryConfig(Duration.ofSeconds(3), Duration.ofMillis(700),
                    Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofHours(1), 0.2, Duration.ofDays(5), 5,
                    Duration.ofSeconds(10), 100);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", RouteConfig.TlsPolicy.NONE,
                    "smtp://127.0.0.1:" + mute.getLocalPort())), null, delivery,
                    org.portcullis.gateway.config.DnsConfig.defaults()), registry)) {
                DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("mute")),
                        "sender@origin.test", "a@example.com"));

                assertThat(outcome.results()).singleElement().satisfies(r -> {
                    assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
                    assertThat(r.reply()).startsWith("4.4.2 timeout after 700ms waiting for reply to greeting");
                });
                assertThat(registry.get("portcullis.delivery.timeouts").tag("stage", "command").counter().count())
                        .isEqualTo(1.0);
            }
        }
    }

    @Test
    void aRouteNamedForTheMessageWinsOverTheDomainsRoute() throws Exception {
        try (Sink usual = Sink.start(tmp.resolve("usual"));
             Sink named = Sink.start(tmp.resolve("named"))) {
            RouteConfig byDomain = route("example.com", RouteConfig.TlsPolicy.NONE, usual.hop("smtp"));
            RouteConfig legal = route("legal.invalid", RouteConfig.TlsPolicy.NONE, named.hop("smtp"));
            legal = new RouteConfig(legal.domains(), legal.nextHops(), legal.tls(), "legal-hold");
            try (var agent = new RoutingDeliveryAgent(config(List.of(byDomain, legal), null), new SimpleMeterRegistry())) {
                DeliveryRequest plain = request(spool(tmp, TestSetup.simpleMessage("usual")), "s@origin.test",
                        "a@example.com");
                SmtpRelayTest.deliver(agent, plain);
                DeliveryRequest routed = new DeliveryRequest(plain.envelope().withRoute("legal-hold"),
                        plain.recipients(), plain.content());
                assertThat(SmtpRelayTest.deliver(agent, routed).results().getFirst().relay())
                        .isEqualTo("127.0.0.1[127.0.0.1]:" + named.port);
                assertThat(usual.messages()).hasSize(1);
                assertThat(named.messages()).hasSize(1);
            }
        }
    }
}
