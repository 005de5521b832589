package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A real daemon from Debian for an integration test: started, waited for, always stopped. */
final class Daemons implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private Daemons(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static void require(String binary, String debianPackage) {
        if (!Files.exists(Path.of(binary))) {
            fail(binary + " is missing: apt-get install " + debianPackage
                    + " (.ci/run installs every test prerequisite)");
        }
    }

    /** Starts {@code command} and waits until {@code ready} holds (bounded). */
    static Daemons start(String name, List<String> command, Path dir, BooleanSupplier ready, Duration wait)
            throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve(name + ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Daemons daemon = new Daemons(name, process, log);
        if (!Peers.await(wait, () -> !process.isAlive() || ready.getAsBoolean()) || !process.isAlive()) {
            daemon.close();
            throw new IllegalStateException(name + " did not start: " + Peers.read(log));
        }
        return daemon;
    }

    /** Whether a unix socket exists at {@code path}. */
    static BooleanSupplier socketAt(Path path) {
        return () -> Files.exists(path);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + ": " + Peers.read(log);
    }
}
