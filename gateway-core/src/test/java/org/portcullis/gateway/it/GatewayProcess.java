package org.portcullis.gateway.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway ({@code portcullis-gateway.jar run --config FILE}) as a real process,
 * started in its own working directory, so a test can SIGKILL it and start it again.
 */
final class GatewayProcess implements AutoCloseable {

    final int port;
    final Path workDir;
    final Path log;
    private Process process;
    private final Path config;

    private GatewayProcess(int port, Path workDir, Path config) {
        this.port = port;
        this.workDir = workDir;
        this.config = config;
        this.log = workDir.resolve("gateway.log");
    }

    /** Java of the running test (the build's JDK), so the gateway runs on the same runtime. */
    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static Path jar() {
        String jar = System.getProperty("portcullis.jar");
        if (jar == null) {
            throw new IllegalStateException("system property portcullis.jar is not set (run through mvn verify)");
        }
        return Path.of(jar);
    }

    /**
     * Writes {@code config} (YAML; {@code %PORT%} is replaced by a free port) into the work
     * directory and starts the gateway on it, waiting for its greeting.
     */
    static GatewayProcess start(Path workDir, String config) throws IOException {
        int port = Peers.freePort();
        Files.createDirectories(workDir);
        Path file = workDir.resolve("portcullis.yaml");
        Files.writeString(file, config.replace("%PORT%", String.valueOf(port)));
        GatewayProcess gateway = new GatewayProcess(port, workDir, file);
        gateway.restart();
        return gateway;
    }

    /**
     * Starts the gateway exactly as a newcomer does, with no configuration at all: the embedded
     * default, which listens on 127.0.0.1:{@code port} (2525) and keeps its spool and Maildir
     * under ./var of the working directory.
     */
    static GatewayProcess startEmbeddedDefault(Path workDir, int port) throws IOException {
        Files.createDirectories(workDir);
        GatewayProcess gateway = new GatewayProcess(port, workDir, null);
        gateway.restart();
        return gateway;
    }

    /** Starts (again) on the same configuration and spool; waits for the 220 greeting. */
    void restart() throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-jar", jar().toString(), "run"));
        if (config != null) {
            command.addAll(List.of("--config", config.toString()));
        }
        process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!Peers.await(Duration.ofSeconds(30), () -> !process.isAlive() || greets())) {
            throw new IllegalStateException("gateway did not greet within 30 s; log:\n" + Peers.read(log));
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("gateway exited with " + process.exitValue() + "; log:\n"
                    + Peers.read(log));
        }
    }

    private boolean greets() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            InputStream in = socket.getInputStream();
            byte[] greeting = new byte[3];
            // Up is up: a gateway that refuses at connect (421) is listening too.
            return in.readNBytes(greeting, 0, 3) == 3 && new String(greeting).matches("[245]\\d\\d");
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL: no shutdown hook, no flush — the crash the spool must survive. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGHUP: reload the filter chains and the policy. */
    void reload() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-HUP", String.valueOf(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
    }

    /** Rewrites the configuration file (for a reload); {@code %PORT%} as at start. */
    void rewriteConfig(String text) throws IOException {
        Files.writeString(config, text.replace("%PORT%", String.valueOf(port)));
    }

    String logText() {
        return Peers.read(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
