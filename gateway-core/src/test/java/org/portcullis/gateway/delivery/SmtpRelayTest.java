package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.gateway.delivery.TestSetup.config;
import static org.portcullis.gateway.delivery.TestSetup.request;
import static org.portcullis.gateway.delivery.TestSetup.route;
import static org.portcullis.gateway.delivery.TestSetup.spool;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portcullis.gateway.config.RouteConfig;
import org.portcullis.gateway.envelope.MailParameters;
import org.portcullis.gateway.envelope.Recipient;

/** Relay over SMTP to the aiosmtpd sink on loopback: the bytes, the dialogue, the parameters. */
class SmtpRelayTest {

    /** Lines a careless client would garble: each needs a dot added on the wire and removed again. */
    static final String DOTTY = "From: sender@origin.test\r\nTo: rcpt@example.com\r\nSubject: dots\r\n\r\n"
            + ".\r\n..\r\n.x\r\nplain\r\n. \r\n...\r\n.\r\n\r\n.end\r\n";

    @TempDir
    Path tmp;

    static DeliveryOutcome deliver(DeliveryAgent agent, DeliveryRequest request) throws Exception {
        return agent.deliver(request).get(60, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "sink options: {0}")
    @ValueSource(strings = {"", "--pipelining", "--chunking", "--pipelining --chunking"})
    void relaysLinesThatNeedDotStuffingByteForByte(String options) throws Exception {
        String[] args = options.isEmpty() ? new String[0] : options.split(" ");
        try (Sink sink = Sink.start(tmp.resolve("sink"), args);
             var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", RouteConfig.TlsPolicy.NONE,
                     sink.hop("smtp"))), null), new SimpleMeterRegistry())) {
            DeliveryOutcome outcome = deliver(agent, request(spool(tmp, DOTTY), "sender@origin.test",
                    "rcpt@example.com"));

            assertThat(outcome.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.DELIVERED);
                assertThat(r.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + sink.port);
                assertThat(r.reply()).isEqualTo("250 2.0.0 Ok: stored");
            });
            assertThat(sink.messages()).hasSize(1);
            assertThat(sink.message(1)).isEqualTo(DOTTY.getBytes(StandardCharsets.US_ASCII));
            assertThat(sink.envelope(1)).contains("\"transfer\": \"" + (options.contains("chunking") ? "BDAT" : "DATA"));
        }
    }

    @Test
    void failsAndDefersOnlyTheRecipientsTheHopRefuses() throws Exception {
        try (Sink sink = Sink.start(tmp.resolve("sink"), "--defer-rcpt", "busy", "--reject-rcpt", "nobody");
             var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", RouteConfig.TlsPolicy.NONE,
                     sink.hop("smtp"))), null), new SimpleMeterRegistry())) {
            DeliveryOutcome outcome = deliver(agent, request(spool(tmp, TestSetup.simpleMessage("mixed")),
                    "sender@origin.test", "one@example.com", "busy@example.com", "nobody@example.com",
                    "two@example.com"));

            assertThat(outcome.results()).extracting(r -> r.recipient().address().toString(), RecipientResult::status)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("one@example.com", RecipientResult.Status.DELIVERED),
                            org.assertj.core.groups.Tuple.tuple("busy@example.com", RecipientResult.Status.DEFERRED),
                            org.assertj.core.groups.Tuple.tuple("nobody@example.com", RecipientResult.Status.FAILED),
                            org.assertj.core.groups.Tuple.tuple("two@example.com", RecipientResult.Status.DELIVERED));
            assertThat(outcome.results().get(1).reply()).startsWith("450 4.2.0 <busy@example.com>");
            assertThat(outcome.results().get(2).reply()).isEqualTo("550 5.1.1 <nobody@example.com>: no such user");
            assertThat(sink.messages()).hasSize(1);
            assertThat(sink.envelope(1)).contains("\"rcpt_tos\": [\"one@example.com\", \"two@example.com\"]");
        }
    }

    @Test
    void carriesDsnParametersWhenTheHopOffersDsn() throws Exception {
        try (Sink sink = Sink.start(tmp.resolve("sink"), "--dsn", "--pipelining");
             var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", RouteConfig.TlsPolicy.NONE,
                     sink.hop("smtp"))), null), new SimpleMeterRegistry())) {
            MessageContent content = spool(tmp, TestSetup.simpleMessage("dsn"));
            List<Recipient> recipients = List.of(
                    new Recipient(TestSetup.address("a@example.com"), "SUCCESS,FAILURE", "rfc822;a+40example.com"),
                    new Recipient(TestSetup.address("b@example.com"), "NEVER", null));
            DeliveryOutcome outcome = deliver(agent, request(content,
                    new MailParameters("8BITMIME", false, "HDRS", "Q1+2Bid"), "sender@origin.test", recipients));

            assertThat(outcome.results()).allSatisfy(r -> assertThat(r.status()).isEqualTo(RecipientResult.Status.DELIVERED));
            String envelope = sink.envelope(1);
            assertThat(envelope).contains("\"mail_options\": [\"SIZE=" + content.length() + "\", \"BODY=8BITMIME\","
                    + " \"RET=HDRS\", \"ENVID=Q1+2Bid\"]");
            assertThat(envelope).contains("\"rcpt_options\": [[\"NOTIFY=SUCCESS,FAILURE\", \"ORCPT=rfc822;a+40example.com\"],"
                    + " [\"NOTIFY=NEVER\"]]");
        }
    }

    @Test
    void leavesDsnParametersOutWhenTheHopDoesNotOfferDsn() throws Exception {
        try (Sink sink = Sink.start(tmp.resolve("sink"));
             var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", RouteConfig.TlsPolicy.NONE,
                     sink.hop("smtp"))), null), new SimpleMeterRegistry())) {
            List<Recipient> recipients = List.of(
                    new Recipient(TestSetup.address("a@example.com"), "SUCCESS", "rfc822;a@example.com"));
            DeliveryOutcome outcome = deliver(agent, request(spool(tmp, TestSetup.simpleMessage("nodsn")),
                    new MailParameters(null, true, "FULL", "xyz"), "sender@origin.test", recipients));

            assertThat(outcome.results().getFirst().status()).isEqualTo(RecipientResult.Status.DELIVERED);
            assertThat(sink.envelope(1)).contains("\"mail_options\": [\"SIZE=").contains("\"SMTPUTF8\"")
                    .doesNotContain("RET=").doesNotContain("NOTIFY");
        }
    }

    @Test
    void fallsBackToHeloWhenEhloIsRefused() throws Exception {
        try (Sink sink = Sink.start(tmp.resolve("sink"), "--no-ehlo");
             var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", RouteConfig.TlsPolicy.OPPORTUNISTIC,
                     sink.hop("smtp"))), null), new SimpleMeterRegistry())) {
            DeliveryOutcome outcome = deliver(agent, request(spool(tmp, DOTTY), "sender@origin.test", "a@example.com"));

            assertThat(outcome.results().getFirst().status()).isEqualTo(RecipientResult.Status.DELIVERED);
            assertThat(sink.message(1)).isEqualTo(DOTTY.getBytes(StandardCharsets.US_ASCII));
            assertThat(sink.envelope(1)).contains("\"mail_options\": []");
        }
    }
}
