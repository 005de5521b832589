package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mail in through the gateway, out to a real next hop, byte for byte. */
class RelayEndToEndIT {

    private static final Pattern TEST_ID = Pattern.compile("X-Test-Id: (t-\\d+)");

    @Test
    void relaysTwoHundredMixedMessagesByteIntactAndTraceable(@TempDir Path dir) throws Exception {
        List<Integer> sizes = mixedSizes(200);
        try (SinkProcess sink = SinkProcess.start(Peers.freePort(), dir.resolve("sink"));
             GatewayProcess gateway = GatewayProcess.start(dir.resolve("gw"), Configs.relayTo(sink.port, "[127.0.0.0/8]"))) {

            List<LoadClient.Sent> sent = new LoadClient(dir.resolve("client"))
                    .start(gateway.port, "--count", "200", "--concurrency", "4", "--mode", "mixed",
                            "--sizes", sizes.stream().map(String::valueOf).collect(Collectors.joining(",")))
                    .finish(Duration.ofMinutes(5));

            assertThat(sent).hasSize(200).allSatisfy(s -> assertThat(s.accepted()).as(s.toString()).isTrue());
            assertThat(sent).extracting(LoadClient.Sent::mode).contains("smtplib", "pipelined", "bdat");
            assertThat(Peers.await(Duration.ofMinutes(3), () -> sink.messages().size() >= 200))
                    .as("all 200 messages reach the next hop").isTrue();

            Map<String, List<byte[]>> received = byTestId(sink.messages());
            String log = gateway.logText();
            LoadClient client = new LoadClient(dir.resolve("client"));
            for (LoadClient.Sent s : sent) {
                assertThat(received.get(s.id())).as("copies of %s at the next hop", s.id()).hasSize(1);
                byte[] relayed = received.get(s.id()).get(0);
                String trace = new String(relayed, 0, Math.min(relayed.length, 600), StandardCharsets.US_ASCII);
                assertThat(trace).as("our Received header first").startsWith("Received: from ")
                        .contains("id " + s.queueId());
                assertThat(withoutFirstHeader(relayed)).as("content of %s", s.id())
                        .isEqualTo(Files.readAllBytes(client.sentMessage(s.id())));
                assertThat(log).contains("queue_id=" + s.queueId() + " event=queued")
                        .contains("queue_id=" + s.queueId() + " event=delivered");
            }
        }
    }

    /** Mostly small, some of 100 KB–1 MB, and a few of 1–10 MB (one of exactly 10 MB). */
    private static List<Integer> mixedSizes(int count) {
        Random random = new Random(42);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i % 40 == 7) {
                sizes.add(1_000_000 + random.nextInt(9_000_000));
            } else if (i % 13 == 5) {
                sizes.add(100_000 + random.nextInt(900_000));
            } else {
                sizes.add(1024 + random.nextInt(99_000));
            }
        }
        sizes.set(count - 1, 10 * 1024 * 1024);
        return sizes;
    }

    static Map<String, List<byte[]>> byTestId(List<Path> messages) throws Exception {
        Map<String, List<byte[]>> out = new HashMap<>();
        for (Path p : messages) {
            byte[] bytes = Files.readAllBytes(p);
            Matcher m = TEST_ID.matcher(new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.ISO_8859_1));
            if (m.find()) {
                out.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(bytes);
            }
        }
        return out;
    }

    /** The message without its first header field (ours: Received, possibly folded). */
    static byte[] withoutFirstHeader(byte[] message) {
        int i = 0;
        while (i + 2 < message.length) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] != ' ' && message[i + 2] != '\t') {
                return java.util.Arrays.copyOfRange(message, i + 2, message.length);
            }
            i++;
        }
        return new byte[0];
    }
}
