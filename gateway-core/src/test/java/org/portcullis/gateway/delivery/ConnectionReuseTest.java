package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.gateway.delivery.TestSetup.config;
import static org.portcullis.gateway.delivery.TestSetup.delivery;
import static org.portcullis.gateway.delivery.TestSetup.request;
import static org.portcullis.gateway.delivery.TestSetup.route;
import static org.portcullis.gateway.delivery.TestSetup.spool;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.config.DnsConfig;
import org.portcullis.gateway.config.GatewayConfig;
import org.portcullis.gateway.config.RouteConfig;

/** Sessions kept idle and reused, their number per hop bounded, stale ones replaced. */
class ConnectionReuseTest {

    @TempDir
    Path tmp;

    private GatewayConfig configFor(Sink sink, int maxPerHop, Duration reuse) {
        return config(List.of(route("example.com", RouteConfig.TlsPolicy.NONE, sink.hop("smtp"))), null,
                delivery(maxPerHop, reuse), DnsConfig.defaults());
    }

    @Test
    void carriesSeveralMessagesOverOneConnection() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Sink sink = Sink.start(tmp.resolve("sink"), "--pipelining");
             var agent = new RoutingDeliveryAgent(configFor(sink, 5, Duration.ofSeconds(30)), registry)) {
            for (int i = 0; i < 5; i++) {
                DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(
                        spool(tmp, TestSetup.simpleMessage("reuse " + i)), "sender@origin.test", "a@example.com"));
                assertThat(outcome.results().getFirst().status()).isEqualTo(RecipientResult.Status.DELIVERED);
            }

            assertThat(sink.messages()).hasSize(5);
            assertThat(sink.connections()).isEqualTo(1);
            assertThat(registry.get("portcullis.delivery.connection.reused").counter().count()).isEqualTo(4.0);
        }
    }

    @Test
    void replacesAKeptConnectionTheHopHasDroppedWithoutDeferring() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Sink sink = Sink.start(tmp.resolve("sink"), "--hangup-after", "1");
             var agent = new RoutingDeliveryAgent(configFor(sink, 5, Duration.ofSeconds(30)), registry)) {
            for (int i = 0; i < 3; i++) {
                DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(
                        spool(tmp, TestSetup.simpleMessage("stale " + i)), "sender@origin.test", "a@example.com"));
                assertThat(outcome.results().getFirst().status()).isEqualTo(RecipientResult.Status.DELIVERED);
            }

            assertThat(sink.messages()).hasSize(3);
            assertThat(sink.connections()).isEqualTo(3);
            assertThat(registry.get("portcullis.delivery.connection.stale").counter().count()).isEqualTo(2.0);
        }
    }

    @Test
    void makesDeliveriesWaitForAFreeSlotInsteadOfFailing() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Sink sink = Sink.start(tmp.resolve("sink"));
             var agent = new RoutingDeliveryAgent(configFor(sink, 1, Duration.ofSeconds(30)), registry)) {
            List<CompletableFuture<DeliveryOutcome>> running = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                running.add(agent.deliver(request(spool(tmp, TestSetup.simpleMessage("slot " + i)),
                        "sender@origin.test", "a@example.com")));
            }
            for (CompletableFuture<DeliveryOutcome> outcome : running) {
                assertThat(outcome.get(60, TimeUnit.SECONDS).results().getFirst().status())
                        .isEqualTo(RecipientResult.Status.DELIVERED);
            }

            assertThat(sink.messages()).hasSize(6);
            assertThat(sink.connections()).isEqualTo(1);
            assertThat(registry.get("portcullis.delivery.pool.waits").counter().count()).isGreaterThanOrEqualTo(1.0);
        }
    }

    @Test
    void closesIdleConnectionsWhenTheirReuseTimeIsOver() throws Exception {
        try (Sink sink = Sink.start(tmp.resolve("sink"));
             var agent = new RoutingDeliveryAgent(configFor(sink, 5, Duration.ofMillis(300)), new SimpleMeterRegistry())) {
            SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("first")), "sender@origin.test",
                    "a@example.com"));
            Thread.sleep(1000);
            SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("second")), "sender@origin.test",
                    "a@example.com"));

            assertThat(sink.messages()).hasSize(2);
            assertThat(sink.connections()).isEqualTo(2);
        }
    }

    @Test
    void answersEveryRecipientAfterCloseWithoutThrowing() throws Exception {
        try (Sink sink = Sink.start(tmp.resolve("sink"))) {
            var agent = new RoutingDeliveryAgent(configFor(sink, 5, Duration.ofSeconds(30)), new SimpleMeterRegistry());
            SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("before")), "sender@origin.test",
                    "a@example.com"));
            long started = System.nanoTime();
            agent.close();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
            DeliveryOutcome after = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("after")),
                    "sender@origin.test", "a@example.com"));
            assertThat(after.results()).singleElement().satisfies(r ->
                    assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED));
        }
    }
}
