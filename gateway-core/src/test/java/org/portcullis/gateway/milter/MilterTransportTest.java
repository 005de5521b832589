package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.portcullis.filter.Connection;
import org.portcullis.filter.MailFilter;
import org.portcullis.gateway.milter.MilterUnavailableException.Reason;

/** The socket transport against hand-made peers on loopback that misbehave in ways real milters rarely do. */
class MilterTransportTest {

    private final ServerSocket server;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Connection client = Messages.connection("192.0.2.1", 1234);

    MilterTransportTest() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void closeServer() throws IOException {
        server.close();
    }

    private MailFilter session(Duration connect, Duration command) {
        MilterSettings settings = MilterSettings.defaults("peer", new MilterAddress.Inet("127.0.0.1", server.getLocalPort()), "gw")
                .withTimeouts(connect, command, command);
        return new MilterFilter(settings, registry).forSession();
    }

    /** Accepts one connection, reads the O packet, then runs {@code then} with the streams. */
    private CompletableFuture<Void> peer(PeerScript then) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                in.readNBytes(17);
                then.run(in, s.getOutputStream());
            } catch (IOException e) {
                // The client hung up: the test's assertions say whether that was expected.
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    private interface PeerScript {
        void run(InputStream in, OutputStream out) throws IOException;
    }

    private static void waitForClose(InputStream in) throws IOException {
        while (in.read() >= 0) {
            // Drain until the client closes.
        }
    }

    private static byte[] optionsReply() {
        return new MilterPacket('O', ByteBuffer.allocate(12).putInt(6).putInt(0).putInt(0).array()).frame();
    }

    @Test
    void aPeerThatNeverNegotiatesTripsTheConnectTimeout() throws Exception {
        var peer = peer((in, out) -> waitForClose(in));
        long start = System.nanoTime();

        assertThatThrownBy(() -> session(Duration.ofMillis(300), Duration.ofSeconds(5)).onConnect(client))
                .isInstanceOf(MilterUnavailableException.class).hasMessageContaining("option negotiation")
                .extracting(e -> ((MilterUnavailableException) e).reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        peer.get(5, TimeUnit.SECONDS);
        assertThat(registry.find(MilterMetrics.TIMEOUTS).tags("stage", "negotiate", "timeout", "connect").counter().count())
                .isEqualTo(1);
    }

    @Test
    void refusesAnOversizedPacketFromTheWire() throws Exception {
        var peer = peer((in, out) -> {
            out.write(optionsReply());
            in.readNBytes(5);
            out.write(new byte[] {0x00, 0x10, 0x00, 0x00, 'c'});
            out.flush();
            waitForClose(in);
        });
        MailFilter session = session(Duration.ofSeconds(2), Duration.ofSeconds(2));

        assertThatThrownBy(() -> session.onConnect(client)).hasMessageContaining("over the agreed limit of 65535")
                .extracting(e -> ((MilterUnavailableException) e).reason()).isEqualTo(Reason.PROTOCOL_ERROR);
        peer.get(5, TimeUnit.SECONDS);
    }

    @Test
    void closingTheSessionUnblocksAStageStillWaitingForTheMilter() throws Exception {
        var peer = peer((in, out) -> {
            out.write(optionsReply());
            out.flush();
            waitForClose(in);
        });
        MailFilter session = session(Duration.ofSeconds(2), Duration.ofSeconds(30));
        var stage = CompletableFuture.supplyAsync(() -> session.onConnect(client), r -> Thread.ofVirtual().start(r));
        Thread.sleep(300);

        long start = System.nanoTime();
        session.close();

        assertThatThrownBy(() -> stage.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(MilterUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        peer.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aMilterThatClosesMidSessionIsALostConnection() throws Exception {
        var peer = peer((in, out) -> out.write(optionsReply()));
        MailFilter session = session(Duration.ofSeconds(2), Duration.ofSeconds(2));

        assertThatThrownBy(() -> session.onConnect(client))
                .extracting(e -> ((MilterUnavailableException) e).reason()).isEqualTo(Reason.CONNECTION_LOST);
        peer.get(5, TimeUnit.SECONDS);
    }
}
