package org.portcullis.gateway.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs peers/smtp_load.py and reads back what the gateway answered for each message. */
final class LoadClient {

    private static final Pattern FIELD = Pattern.compile("\"(id|mode|code|queue_id|reply)\": (null|\\d+|\"((?:[^\"\\\\]|\\\\.)*)\")");

    private final Path out;
    private Process process;

    LoadClient(Path out) {
        this.out = out;
    }

    /** Starts sending in the background; {@code args} are smtp_load.py options. */
    LoadClient start(int port, String... args) throws IOException {
        Peers.requirePython();
        List<String> command = new ArrayList<>(List.of(Peers.PYTHON, Peers.script("smtp_load.py").toString(),
                "--port", String.valueOf(port), "--out", out.toString()));
        command.addAll(List.of(args));
        Files.createDirectories(out);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.resolve("client.log").toFile()).start();
        return this;
    }

    /** Waits for the client to finish (bounded) and returns its results. */
    List<Sent> finish(Duration limit) throws IOException, InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("load client still running after " + limit + ": "
                    + Peers.read(out.resolve("client.log")));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("load client failed: " + Peers.read(out.resolve("client.log")));
        }
        return results();
    }

    List<Sent> results() throws IOException {
        Path file = out.resolve("results.jsonl");
        List<Sent> sent = new ArrayList<>();
        if (!Files.exists(file)) {
            return sent;
        }
        for (String line : Files.readAllLines(file)) {
            String id = null;
            String mode = null;
            String queueId = null;
            String reply = null;
            Integer code = null;
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                String value = m.group(2).equals("null") ? null : m.group(3) != null ? m.group(3) : m.group(2);
                switch (m.group(1)) {
                    case "id" -> id = value;
                    case "mode" -> mode = value;
                    case "queue_id" -> queueId = value;
                    case "reply" -> reply = value;
                    default -> code = value == null ? null : Integer.valueOf(value);
                }
            }
            sent.add(new Sent(id, mode, code, queueId, reply));
        }
        return sent;
    }

    Path sentMessage(String id) {
        return out.resolve("sent").resolve(id + ".eml");
    }

    /** One message and the gateway's final answer to it (code null: no answer, connection lost). */
    record Sent(String id, String mode, Integer code, String queueId, String reply) {

        boolean accepted() {
            return code != null && code == 250 && queueId != null;
        }
    }
}
