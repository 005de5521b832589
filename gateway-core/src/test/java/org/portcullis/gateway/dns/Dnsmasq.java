package org.portcullis.gateway.dns;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Debian's dnsmasq as an authoritative-only DNS server on a free loopback port, answering
 * from the records given on its command line and nothing else (no upstream, no hosts file).
 * Names under {@code .test} and reverse names it does not know get NXDOMAIN.
 */
public final class Dnsmasq implements AutoCloseable {

    private static final String BINARY = "/usr/sbin/dnsmasq";

    private final Process process;
    private final int port;
    private final Path log;

    private Dnsmasq(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * @param records dnsmasq options such as {@code --mx-host=example.test,mx1.example.test,10}
     *                or {@code --host-record=mx1.example.test,127.0.0.1}
     */
    public static Dnsmasq start(Path dir, String... records) throws IOException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            fail("These tests need dnsmasq: apt-get install dnsmasq-base (.ci/install-prereqs installs it)");
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(BINARY, "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--no-poll", "--port=" + port, "--listen-address=127.0.0.1",
                "--bind-interfaces", "--pid-file=", "--local=/test/", "--local=/in-addr.arpa/",
                "--log-facility=-"));
        command.addAll(List.of(records));
        Files.createDirectories(dir);
        Path log = dir.resolve("dnsmasq.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Dnsmasq dns = new Dnsmasq(process, port, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                break;
            }
            if (dns.answers()) {
                return dns;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        dns.close();
        throw new IllegalStateException("dnsmasq did not start: " + Files.readString(log));
    }

    /** {@code 127.0.0.1:port}, as {@code dns.servers} takes it. */
    public String server() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    private boolean answers() {
        try {
            SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            resolver.setTimeout(Duration.ofMillis(300));
            resolver.send(Message.newQuery(Record.newRecord(Name.fromString("probe.test."), Type.A, DClass.IN)));
            return true;
        } catch (IOException e) {
            return false;
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

    static int freePort() {
        // dnsmasq listens on UDP and TCP; a port free for TCP on loopback is nearly always free for UDP.
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A UDP socket on loopback that takes queries and never answers: a resolver that hangs. */
    public static final class Silent implements AutoCloseable {
        private final DatagramSocket socket;
        private final Thread drain;

        public Silent() throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            drain = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[512];
                while (!socket.isClosed()) {
                    try {
                        socket.receive(new DatagramPacket(buf, buf.length));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        public String server() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() {
            socket.close();
            drain.interrupt();
        }
    }
}
