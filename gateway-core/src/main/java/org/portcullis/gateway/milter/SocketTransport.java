package org.portcullis.gateway.milter;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;

/**
 * A milter connection over TCP or a Unix socket. The channel is non-blocking and waited on with
 * its own selector, which gives every read, write and connect a deadline on both kinds of
 * socket (plain socket timeouts do not exist for Unix sockets).
 */
final class SocketTransport implements MilterTransport {

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final PacketDecoder decoder = new PacketDecoder();
    private final ByteBuffer in = ByteBuffer.allocate(16 * 1024).flip();

    private SocketTransport(SocketChannel channel, Selector selector, SelectionKey key) {
        this.channel = channel;
        this.selector = selector;
        this.key = key;
    }

    /**
     * Connects within {@code timeout}.
     *
     * @throws IOException      when nothing listens there (refused, no such socket, no route)
     * @throws TimeoutException when the connection was not made in time
     */
    static SocketTransport connect(MilterAddress address, Duration timeout) throws IOException, TimeoutException {
        SocketChannel channel = address instanceof MilterAddress.Unix
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        Selector selector = null;
        try {
            noDelay(channel, address instanceof MilterAddress.Inet);
            channel.configureBlocking(false);
            selector = Selector.open();
            SelectionKey key = channel.register(selector, 0);
            if (!channel.connect(address.socketAddress())) {
                key.interestOps(SelectionKey.OP_CONNECT);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (!channel.finishConnect()) {
                    await(selector, deadline, "connecting to " + address.text());
                }
            }
            return new SocketTransport(channel, selector, key);
        } catch (IOException | TimeoutException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    /** Wraps a connection the milter server accepted from an MTA, with the same deadlines. */
    static SocketTransport accepted(SocketChannel channel) throws IOException {
        Selector selector = null;
        try {
            noDelay(channel, !(channel.getLocalAddress() instanceof java.net.UnixDomainSocketAddress));
            channel.configureBlocking(false);
            selector = Selector.open();
            return new SocketTransport(channel, selector, channel.register(selector, 0));
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    /**
     * Milter traffic is small packets sent back to back (macros, then the command) before the
     * answer: with Nagle's algorithm the second waits for the peer's delayed ACK, some 40 ms
     * a time. Send each at once.
     */
    private static void noDelay(SocketChannel channel, boolean tcp) throws IOException {
        if (tcp) {
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        }
    }

    @Override
    public void send(MilterPacket packet, Duration timeout) throws IOException, TimeoutException {
        ByteBuffer out = ByteBuffer.wrap(packet.frame());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                key.interestOps(SelectionKey.OP_WRITE);
                await(selector, deadline, "sending '" + PacketDecoder.printable(packet.code()) + "'");
            }
        }
    }

    @Override
    public MilterPacket receive(Duration timeout) throws IOException, TimeoutException, MilterProtocolException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<MilterPacket> packet = decoder.next(in);
            if (packet.isPresent()) {
                return packet.get();
            }
            in.clear();
            int n;
            while ((n = channel.read(in)) == 0) {
                key.interestOps(SelectionKey.OP_READ);
                await(selector, deadline, "waiting for a packet");
            }
            in.flip();
            if (n < 0) {
                throw new EOFException(decoder.inPacket() ? "the peer closed the connection in the middle of a packet"
                        : "the peer closed the connection");
            }
        }
    }

    @Override
    public boolean hasUnread() throws IOException {
        if (in.hasRemaining() || decoder.inPacket()) {
            return true;
        }
        in.clear();
        int n = channel.read(in);
        in.flip();
        return n > 0;
    }

    @Override
    public void maxDataSize(int bytes) {
        decoder.maxDataSize(bytes);
    }

    @Override
    public void close() {
        selector.wakeup();
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is all that is left to do; there is nobody to tell.
        }
        try {
            selector.close();
        } catch (IOException e) {
            // As above.
        }
    }

    private static void await(Selector selector, long deadline, String what) throws IOException, TimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new TimeoutException("timed out " + what);
        }
        try {
            selector.select(Math.max(1, Duration.ofNanos(left).toMillis()));
            selector.selectedKeys().clear();
        } catch (java.nio.channels.ClosedSelectorException e) {
            throw new IOException("connection closed while " + what, e);
        }
        // An interrupted thread would make every later select return at once: stop instead.
        if (Thread.currentThread().isInterrupted()) {
            throw new java.io.InterruptedIOException("interrupted while " + what);
        }
    }
}
