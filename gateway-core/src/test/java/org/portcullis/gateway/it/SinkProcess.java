package org.portcullis.gateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The aiosmtpd next-hop sink (peers/smtp_sink.py) as a child process on a loopback port. */
final class SinkProcess implements AutoCloseable {

    final int port;
    final Path dir;
    private final Process process;

    private SinkProcess(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    static SinkProcess start(int port, Path dir, String... options) throws IOException {
        Peers.requirePython();
        List<String> command = new ArrayList<>(List.of(Peers.PYTHON, Peers.script("smtp_sink.py").toString(),
                "--port", String.valueOf(port), "--dir", dir.toString()));
        command.addAll(List.of(options));
        Files.createDirectories(dir);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile())
                .start();
        SinkProcess sink = new SinkProcess(port, dir, process);
        if (!Peers.await(Duration.ofSeconds(20), () -> !process.isAlive() || Peers.portOpen(port))
                || !process.isAlive()) {
            sink.close();
            throw new IllegalStateException("sink did not start: "
                    + Peers.read(dir.resolveSibling(dir.getFileName() + ".log")));
        }
        return sink;
    }

    /** The messages stored so far, in arrival order. */
    List<Path> messages() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
