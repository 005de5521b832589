package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real milter (or clamd) from Debian's packages, run in the foreground by a test with its
 * configuration in a temporary directory, waited for until its socket accepts connections,
 * and killed — with anything it started — by {@link #close()}.
 */
final class Daemon implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private Daemon(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Fails the test, with the package to install, when {@code binary} is missing. */
    static void require(String binary, String debianPackage) {
        if (!Files.isExecutable(Path.of(binary))) {
            fail("These tests need " + binary + ": apt-get install " + debianPackage
                    + " (.ci/install-prereqs installs it)");
        }
    }

    /** Fails the test, with the package to install, when {@code file} (e.g. a Python module) is missing. */
    static void requireFile(String file, String debianPackage) {
        if (!Files.exists(Path.of(file))) {
            fail("These tests need " + file + ": apt-get install " + debianPackage
                    + " (.ci/install-prereqs installs it)");
        }
    }

    /** Starts {@code command} and waits up to {@code wait} until {@code socket} accepts a connection. */
    static Daemon start(String name, List<String> command, Path dir, MilterAddress socket, Duration wait) throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve(name + ".out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Daemon daemon = new Daemon(name, process, log);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (accepts(socket)) {
                return daemon;
            }
            sleep(50);
        }
        String output = daemon.output();
        daemon.close();
        throw new IllegalStateException(name + " did not start within " + wait + " (exit "
                + (process.isAlive() ? "none" : process.exitValue()) + "):\n" + output);
    }

    static boolean accepts(MilterAddress address) {
        try (SocketChannel channel = address instanceof MilterAddress.Unix
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open()) {
            channel.connect(address.socketAddress());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static MilterAddress.Unix unix(Path path) {
        return new MilterAddress.Unix(path);
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(1, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return name + " pid " + process.pid();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
