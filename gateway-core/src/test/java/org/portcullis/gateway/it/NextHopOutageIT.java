package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The internal server is down for a while: mail waits, nothing bounces, all flows on recovery. */
class NextHopOutageIT {

    @Test
    void mailWaitsWhileTheNextHopIsDownAndFlowsWhenItReturns(@TempDir Path dir) throws Exception {
        int hopPort = Peers.freePort();
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("gw"), Configs.relayTo(hopPort, "[127.0.0.0/8]"))) {
            List<LoadClient.Sent> sent = new LoadClient(dir.resolve("client"))
                    .start(gateway.port, "--count", "20", "--concurrency", "2", "--mode", "mixed")
                    .finish(Duration.ofMinutes(2));
            assertThat(sent).hasSize(20).allSatisfy(s -> assertThat(s.accepted()).isTrue());

            assertThat(Peers.await(Duration.ofSeconds(30), () -> sent.stream().allMatch(s ->
                    gateway.logText().contains("queue_id=" + s.queueId() + " event=deferred"))))
                    .as("every message deferred while the next hop is down").isTrue();
            Thread.sleep(3000); // several retry rounds (1–2 s apart) with the next hop still down

            try (SinkProcess sink = SinkProcess.start(hopPort, dir.resolve("sink"))) {
                assertThat(Peers.await(Duration.ofSeconds(60), () -> sink.messages().size() >= 20))
                        .as("all 20 delivered after recovery").isTrue();
                String log = gateway.logText();
                assertThat(log).doesNotContain("event=bounced").doesNotContain("event=dsn");
                assertThat(RelayEndToEndIT.byTestId(sink.messages())).hasSize(20);
                for (Path meta : sink.messages()) {
                    String envelope = Files.readString(Path.of(meta.toString().replace(".eml", ".json")));
                    assertThat(envelope).as("no bounce reached the next hop").contains("\"mail_from\": \"load@sender.test\"");
                }
            }
        }
    }
}
