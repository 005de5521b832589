package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin's queue commands against a running gateway whose next hop is down. */
class QueueCommandIT {

    @Test
    void aHeldMessageStaysWhileOthersFlowAndGoesWhenReleased(@TempDir Path dir) throws Exception {
        int hopPort = Peers.freePort();
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("gw"), Configs.relayTo(hopPort, "[127.0.0.0/8]"))) {
            List<LoadClient.Sent> sent = new LoadClient(dir.resolve("client"))
                    .start(gateway.port, "--count", "2", "--concurrency", "1", "--mode", "smtplib")
                    .finish(Duration.ofMinutes(1));
            assertThat(sent).allSatisfy(s -> assertThat(s.accepted()).isTrue());
            String held = sent.get(0).queueId();
            String other = sent.get(1).queueId();
            assertThat(Peers.await(Duration.ofSeconds(30), () -> gateway.logText().contains("queue_id=" + other
                    + " event=deferred"))).isTrue();

            Peers.Result list = queue(gateway, "list");
            assertThat(list.exitCode()).as(list.output()).isZero();
            assertThat(list.output()).contains(held).contains(other).contains("2 messages");

            Peers.Result hold = queue(gateway, "hold", held);
            assertThat(hold.output()).contains(held + ": moved from").contains("to hold");
            assertThat(queue(gateway, "list").output()).containsPattern(held + " +hold ");
            assertThat(queue(gateway, "hold", "00000000000").exitCode()).as("unknown id").isEqualTo(1);

            try (SinkProcess sink = SinkProcess.start(hopPort, dir.resolve("sink"))) {
                assertThat(Peers.await(Duration.ofSeconds(60), () -> sink.messages().size() == 1)).isTrue();
                Thread.sleep(3000); // retries come every 1–2 s: the held one must not follow
                assertThat(sink.messages()).hasSize(1);
                assertThat(RelayEndToEndIT.byTestId(sink.messages())).containsOnlyKeys(sent.get(1).id());

                assertThat(queue(gateway, "release", held).output()).contains(held + ": moved from hold");
                assertThat(Peers.await(Duration.ofSeconds(30), () -> sink.messages().size() == 2))
                        .as("the released message is delivered").isTrue();
                assertThat(queue(gateway, "list").output()).contains("0 messages");
            }
        }
    }

    private static Peers.Result queue(GatewayProcess gateway, String... args) {
        List<String> command = new ArrayList<>(List.of(GatewayProcess.javaBinary(), "-jar",
                GatewayProcess.jar().toString(), "queue"));
        command.add(args[0]);
        command.addAll(List.of("--config", gateway.workDir.resolve("portcullis.yaml").toString()));
        command.addAll(List.of(args).subList(1, args.length));
        return Peers.exec(Duration.ofSeconds(60), command);
    }
}
