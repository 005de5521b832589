package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transport against a peer on a Unix socket: what reaches the wire, and when; deadlines. */
class SocketTransportTest {

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private SocketTransport transport;
    private SocketChannel peer;

    @BeforeEach
    void connect() throws Exception {
        Path socket = dir.resolve("milter.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        transport = SocketTransport.connect(new MilterAddress.Unix(socket), Duration.ofSeconds(2));
        peer = server.accept();
    }

    @AfterEach
    void close() throws IOException {
        transport.close();
        peer.close();
        server.close();
    }

    @Test
    void queuedPacketsWaitForTheNextSentOneAndGoOutBeforeItInOrder() throws Exception {
        MilterPacket mail = new MilterPacket('M', "<a@example.org>\0".getBytes());
        MilterPacket header = new MilterPacket('L', "Subject\0hi\0".getBytes());
        MilterPacket end = MilterPacket.of('E');
        transport.queue(mail, Duration.ofSeconds(1));
        transport.queue(header, Duration.ofSeconds(1));
        assertThat(readAvailable(Duration.ofMillis(200))).isEmpty();

        transport.send(end, Duration.ofSeconds(1));

        byte[] expected = concat(mail.frame(), header.frame(), end.frame());
        assertThat(readExactly(expected.length)).isEqualTo(expected);
    }

    @Test
    void aLargeQueueIsWrittenWithoutWaitingForASend() throws Exception {
        byte[] chunk = new byte[16 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        int sent = 0;
        while (sent <= SocketTransport.MAX_QUEUED) {
            MilterPacket body = new MilterPacket('B', chunk);
            transport.queue(body, Duration.ofSeconds(1));
            sent += body.frame().length;
        }
        assertThat(readExactly(sent)).hasSize(sent);
    }

    @Test
    void aPeerThatSaysNothingTimesOutTheWaitAndTheConnectionIsOver() throws Exception {
        long start = System.nanoTime();
        assertThatThrownBy(() -> transport.receive(Duration.ofMillis(150)))
                .isInstanceOf(MilterTransport.TimeoutException.class)
                .hasMessageContaining("timed out waiting for a packet");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(140), Duration.ofSeconds(5));
        assertThatThrownBy(() -> transport.send(MilterPacket.of('Q'), Duration.ofSeconds(1)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void anAnswerInTimeIsReadAndTheDeadlineDoesNotFireLater() throws Exception {
        peer.write(ByteBuffer.wrap(MilterPacket.of('c').frame()));
        assertThat(transport.receive(Duration.ofMillis(100)).code()).isEqualTo('c');
        Thread.sleep(250);
        // The cancelled deadline left the connection alone.
        transport.send(MilterPacket.of('E'), Duration.ofSeconds(1));
        assertThat(readExactly(MilterPacket.of('E').frame().length)).isEqualTo(MilterPacket.of('E').frame());
    }

    @Test
    void somethingSentWithoutBeingAskedIsSeenBeforeTheNextCommand() throws Exception {
        assertThat(transport.hasUnread()).isFalse();
        peer.write(ByteBuffer.wrap(MilterPacket.of('c').frame()));
        boolean seen = false;
        for (int i = 0; i < 100 && !seen; i++) {
            seen = transport.hasUnread();
            if (!seen) {
                Thread.sleep(10);
            }
        }
        assertThat(seen).isTrue();
        // The look did not lose it: it is the next packet read.
        assertThat(transport.receive(Duration.ofSeconds(1)).code()).isEqualTo('c');
    }

    private byte[] readAvailable(Duration wait) throws IOException, InterruptedException {
        peer.configureBlocking(false);
        Thread.sleep(wait.toMillis());
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        int n = peer.read(buffer);
        peer.configureBlocking(true);
        return Arrays.copyOf(buffer.array(), Math.max(0, n));
    }

    private byte[] readExactly(int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (peer.read(buffer) < 0) {
                break;
            }
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
