package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Real peers for integration tests: Debian's Python with aiosmtpd, swaks, free loopback ports. */
public final class Peers {

    public static final String PYTHON = "/usr/bin/python3";

    private Peers() {
    }

    /** Fails with what to install when a peer is missing: a missing peer must not pass as green. */
    public static void requirePython() {
        if (run(Duration.ofSeconds(30), PYTHON, "-c", "import aiosmtpd") != 0) {
            fail("These tests need Debian's python3 with aiosmtpd: apt-get install python3-aiosmtpd"
                    + " (.ci/run installs every test prerequisite)");
        }
    }

    public static void requireSwaks() {
        if (run(Duration.ofSeconds(30), "swaks", "--version") != 0) {
            fail("These tests need swaks: apt-get install swaks (.ci/run installs every test prerequisite)");
        }
    }

    public static Path script(String name) {
        try {
            return Path.of(Peers.class.getResource("/peers/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls until the condition holds or the time is up; returns whether it held. */
    public static boolean await(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    /** Runs a command to completion, output discarded; returns its exit code (-1 if it could not run). */
    public static int run(Duration limit, String... command) {
        return exec(limit, List.of(command)).exitCode();
    }

    public static Result exec(Duration limit, List<String> command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out;
            try (InputStream in = process.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(-1, new String(out) + "\n(timed out)");
            }
            return new Result(process.exitValue(), new String(out));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    public record Result(int exitCode, String output) {
    }
}
