package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.portcullis.gateway.delivery.TestSetup.config;
import static org.portcullis.gateway.delivery.TestSetup.request;
import static org.portcullis.gateway.delivery.TestSetup.route;
import static org.portcullis.gateway.delivery.TestSetup.spool;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.config.RouteConfig;

/** LMTP to the sink in --lmtp mode: LHLO, and one reply per accepted recipient after the data. */
class LmtpDeliveryTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "sink options: {0}")
    @ValueSource(strings = {"--lmtp", "--lmtp --pipelining --chunking"})
    void givesEachRecipientItsOwnReplyAfterTheData(String options) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Sink sink = Sink.start(tmp.resolve("sink"), (options + " --reject-rcpt nobody --defer-rcpt busy").split(" "));
             var agent = new RoutingDeliveryAgent(config(List.of(route("example.com", RouteConfig.TlsPolicy.NONE,
                     sink.hop("lmtp"))), null), registry)) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, SmtpRelayTest.DOTTY),
                    "sender@origin.test", "one@example.com", "nobody@example.com", "busy@example.com",
                    "two@example.com"));

            assertThat(outcome.results()).extracting(r -> r.recipient().address().toString(), RecipientResult::status,
                            RecipientResult::reply)
                    .containsExactly(
                            tuple("one@example.com", RecipientResult.Status.DELIVERED, "250 2.0.0 <one@example.com> delivered"),
                            tuple("nobody@example.com", RecipientResult.Status.FAILED,
                                    "550 5.1.1 <nobody@example.com>: no such user"),
                            tuple("busy@example.com", RecipientResult.Status.DEFERRED,
                                    "450 4.2.0 <busy@example.com>: mailbox busy, try later"),
                            tuple("two@example.com", RecipientResult.Status.DELIVERED, "250 2.0.0 <two@example.com> delivered"));
            assertThat(sink.message(1)).isEqualTo(SmtpRelayTest.DOTTY.getBytes(StandardCharsets.US_ASCII));
            assertThat(registry.get("portcullis.delivery.recipients").tag("protocol", "lmtp")
                    .tag("status", "delivered").counter().count()).isEqualTo(2.0);
        }
    }
}
