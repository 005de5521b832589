package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL in the middle of a load: every message that got a 250 is delivered after restart. */
class CrashRecoveryIT {

    @Test
    void everyAcknowledgedMessageSurvivesSigkillDuringLoad(@TempDir Path dir) throws Exception {
        try (SinkProcess sink = SinkProcess.start(Peers.freePort(), dir.resolve("sink"));
             GatewayProcess gateway = GatewayProcess.start(dir.resolve("gw"), Configs.relayTo(sink.port, "[127.0.0.0/8]"))) {

            LoadClient client = new LoadClient(dir.resolve("client")).start(gateway.port,
                    "--count", "600", "--concurrency", "8", "--min-size", "2000", "--max-size", "20000",
                    "--per-connection", "10", "--mode", "mixed");
            boolean midway = Peers.await(Duration.ofMinutes(2), () -> {
                try {
                    return client.results().stream().filter(LoadClient.Sent::accepted).count() >= 200;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertThat(midway).as("200 messages accepted before the kill").isTrue();
            gateway.kill();
            List<LoadClient.Sent> results = client.finish(Duration.ofMinutes(3));

            Set<String> acknowledged = results.stream().filter(LoadClient.Sent::accepted)
                    .map(LoadClient.Sent::id).collect(Collectors.toSet());
            assertThat(results).hasSize(600);
            assertThat(acknowledged.size()).as("the kill came during the load, not after it").isLessThan(600);

            gateway.restart();
            boolean allThere = Peers.await(Duration.ofMinutes(2), () -> {
                try {
                    return RelayEndToEndIT.byTestId(sink.messages()).keySet().containsAll(acknowledged);
                } catch (Exception e) {
                    return false;
                }
            });
            Map<String, List<byte[]>> received = RelayEndToEndIT.byTestId(sink.messages());
            Set<String> lost = acknowledged.stream().filter(id -> !received.containsKey(id)).collect(Collectors.toSet());
            long duplicates = received.values().stream().mapToInt(copies -> copies.size() - 1).sum();
            System.out.printf("crash test: %d acknowledged, %d lost, %d duplicate deliveries%n",
                    acknowledged.size(), lost.size(), duplicates);
            assertThat(lost).as("acknowledged messages lost after SIGKILL").isEmpty();
            assertThat(allThere).isTrue();
        }
    }
}
