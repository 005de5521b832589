package org.portcullis.gateway.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.portcullis.gateway.it.Peers;

/** The aiosmtpd next-hop sink (peers/smtp_sink.py) as a child process on a free loopback port. */
final class Sink implements AutoCloseable {

    final int port;
    final Path dir;
    private final Process process;
    private int baseline;

    private Sink(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    static Sink start(Path dir, String... options) throws IOException {
        Peers.requirePython();
        int port = Peers.freePort();
        List<String> command = new ArrayList<>(List.of(Peers.PYTHON, Peers.script("smtp_sink.py").toString(),
                "--port", String.valueOf(port), "--dir", dir.toString()));
        command.addAll(List.of(options));
        Files.createDirectories(dir);
        Path log = dir.resolveSibling(dir.getFileName() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Sink sink = new Sink(port, dir, process);
        if (!Peers.await(Duration.ofSeconds(20), () -> !process.isAlive() || Peers.portOpen(port))
                || !process.isAlive()) {
            sink.close();
            throw new IllegalStateException("sink did not start: " + Files.readString(log));
        }
        // The probe connection above counts as one; a test counts only its own.
        Peers.await(Duration.ofSeconds(5), () -> sink.connections() >= 1);
        sink.baseline = sink.connections();
        return sink;
    }

    /** {@code smtp://127.0.0.1:port} (or {@code lmtp://}) for a route's next_hops. */
    String hop(String scheme) {
        return scheme + "://127.0.0.1:" + port;
    }

    /** The messages stored so far, in arrival order. */
    List<Path> messages() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON envelope stored beside message n (1-based). */
    String envelope(int n) throws IOException {
        return Files.readString(dir.resolve("%06d.json".formatted(n)));
    }

    byte[] message(int n) throws IOException {
        return Files.readAllBytes(dir.resolve("%06d.eml".formatted(n)));
    }

    /** Connections the sink has accepted since the test began. */
    int connections() {
        try {
            Path file = dir.resolve("connections");
            return (Files.exists(file) ? Integer.parseInt(Files.readString(file).trim()) : 0) - baseline;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
