package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.gateway.delivery.TestSetup.config;
import static org.portcullis.gateway.delivery.TestSetup.delivery;
import static org.portcullis.gateway.delivery.TestSetup.request;
import static org.portcullis.gateway.delivery.TestSetup.spool;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.config.DnsConfig;
import org.portcullis.gateway.config.GatewayConfig;
import org.portcullis.gateway.config.RouteConfig;
import org.portcullis.gateway.dns.Dnsmasq;
import org.portcullis.gateway.dns.MxResolver;

/**
 * Routes without next hops: the recipient domain's MX hosts from dnsmasq on loopback, every
 * exchanger at 127.0.0.1, the sink standing in for port 25 on a free port.
 */
class MxDeliveryTest {

    @TempDir
    static Path dir;

    private static Dnsmasq dns;
    private static Sink sink;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        dns = Dnsmasq.start(dir.resolve("dns"),
                "--mx-host=mx.test,mail.mx.test,10",
                "--host-record=mail.mx.test,127.0.0.1",
                "--host-record=implicit.test,127.0.0.1",
                "--dns-rr=nullmx.test,15,000000");
        sink = Sink.start(dir.resolve("sink"));
    }

    @AfterAll
    static void stop() {
        if (sink != null) {
            sink.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private RoutingDeliveryAgent agent(String dnsServer) {
        DnsConfig dnsConfig = new DnsConfig(List.of(dnsServer), Duration.ofMillis(800), true);
        GatewayConfig config = config(List.of(new RouteConfig(List.of("*"), List.of(), RouteConfig.TlsPolicy.OPPORTUNISTIC)),
                null, delivery(5, Duration.ofSeconds(10)), dnsConfig);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        return new RoutingDeliveryAgent(config, registry, new MxResolver(dnsConfig, registry), sink.port);
    }

    @Test
    void deliversToTheMxHostAndTheImplicitMxOfEachDomain() throws Exception {
        int before = sink.messages().size();
        try (var agent = agent(dns.server())) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("mx")),
                    "sender@origin.test", "a@mx.test", "b@implicit.test"));

            assertThat(outcome.results()).extracting(RecipientResult::status)
                    .containsExactly(RecipientResult.Status.DELIVERED, RecipientResult.Status.DELIVERED);
            assertThat(outcome.results()).extracting(RecipientResult::relay).containsExactly(
                    "mail.mx.test[127.0.0.1]:" + sink.port, "implicit.test[127.0.0.1]:" + sink.port);
            assertThat(sink.messages()).hasSize(before + 2);
        }
    }

    @Test
    void failsRecipientsOfANullMxDomainWith556() throws Exception {
        try (var agent = agent(dns.server())) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("null")),
                    "sender@origin.test", "a@nullmx.test"));

            assertThat(outcome.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.FAILED);
                assertThat(r.reply()).startsWith("556 5.1.10 ");
            });
        }
    }

    @Test
    void failsRecipientsOfADomainThatDoesNotExist() throws Exception {
        try (var agent = agent(dns.server())) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("nx")),
                    "sender@origin.test", "a@nowhere.test"));

            assertThat(outcome.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.FAILED);
                assertThat(r.reply()).startsWith("5.1.2 ").contains("nowhere.test");
            });
        }
    }

    @Test
    void defersWhenDnsDoesNotAnswer() throws Exception {
        try (Dnsmasq.Silent silent = new Dnsmasq.Silent(); var agent = agent(silent.server())) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("slow")),
                    "sender@origin.test", "a@mx.test"));

            assertThat(outcome.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
                assertThat(r.reply()).startsWith("4.4.3 MX lookup for mx.test failed");
            });
        }
    }
}
