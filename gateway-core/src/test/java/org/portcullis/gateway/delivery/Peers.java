package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Real peers for the delivery tests: Debian's python3 with aiosmtpd, openssl, free loopback ports. */
final class Peers {

    static final String PYTHON = "/usr/bin/python3";

    private Peers() {
    }

    /** Fails with what to install when a peer is missing: a missing peer must not pass as green. */
    static void requirePython() {
        if (run(Duration.ofSeconds(30), PYTHON, "-c", "import aiosmtpd") != 0) {
            fail("These tests need Debian's python3 with aiosmtpd: apt-get install python3-aiosmtpd"
                    + " (.ci/install-prereqs installs every test prerequisite)");
        }
    }

    static void requireOpenssl() {
        if (run(Duration.ofSeconds(30), "openssl", "version") != 0) {
            fail("These tests need openssl: apt-get install openssl (.ci/install-prereqs installs it)");
        }
    }

    static Path script(String name) {
        try {
            return Path.of(Peers.class.getResource("/peers/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls until the condition holds or the time is up; returns whether it held. */
    static boolean await(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    /** Runs a command to completion, output discarded; its exit code, -1 if it could not run. */
    static int run(Duration limit, String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            process.getOutputStream().close();
            try (InputStream in = process.getInputStream()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A self-signed certificate and key for the sink, made by openssl. */
    static Path[] selfSignedCertificate(Path dir) {
        requireOpenssl();
        Path cert = dir.resolve("sink-cert.pem");
        Path key = dir.resolve("sink-key.pem");
        int exit = run(Duration.ofSeconds(60), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=sink.test");
        if (exit != 0) {
            throw new IllegalStateException("openssl could not make a certificate (exit " + exit + ")");
        }
        return new Path[] {cert, key};
    }
}
