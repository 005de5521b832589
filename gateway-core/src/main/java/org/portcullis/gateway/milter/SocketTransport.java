package org.portcullis.gateway.milter;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.netty.util.Timeout;
import org.portcullis.gateway.net.Deadlines;

/**
 * A milter connection over TCP or a Unix socket. The channel blocks (a virtual thread parks on
 * it, no selector of its own), and every connect, write and read is bounded by a deadline: the
 * shared wheel timer ({@link Deadlines}) closes the channel when one runs out, which works the
 * same on both kinds of socket (plain socket timeouts do not exist for Unix sockets). A
 * timed-out connection is over.
 *
 * <p>Packets that get no reply can be {@linkplain #queue queued}: they go out in one write with
 * the next packet that is {@linkplain #send sent}, so a milter that asked for no replies hears a
 * whole message in a few writes rather than a write per header.
 */
final class SocketTransport implements MilterTransport {

    /** Queued bytes beyond this are written at once (a large body to a milter that does not answer chunks). */
    static final int MAX_QUEUED = 64 * 1024;

    private final SocketChannel channel;
    private final PacketDecoder decoder = new PacketDecoder();
    private final ByteBuffer in = ByteBuffer.allocate(16 * 1024).flip();
    private final List<ByteBuffer> queued = new ArrayList<>();
    private int queuedBytes;

    private SocketTransport(SocketChannel channel) {
        this.channel = channel;
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
        SocketTransport transport = new SocketTransport(channel);
        try {
            noDelay(channel, address instanceof MilterAddress.Inet);
            Timeout deadline = transport.arm(timeout);
            try {
                channel.connect(address.socketAddress());
            } catch (ClosedChannelException e) {
                throw expiredOr(deadline, e, "connecting to " + address.text());
            } finally {
                deadline.cancel();
            }
            return transport;
        } catch (IOException | TimeoutException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Wraps a connection the milter server accepted from an MTA, with the same deadlines. */
    static SocketTransport accepted(SocketChannel channel) throws IOException {
        try {
            noDelay(channel, !(channel.getLocalAddress() instanceof java.net.UnixDomainSocketAddress));
            channel.configureBlocking(true);
            return new SocketTransport(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
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
        add(packet);
        flush(timeout, packet.code());
    }

    @Override
    public void queue(MilterPacket packet, Duration timeout) throws IOException, TimeoutException {
        add(packet);
        if (queuedBytes > MAX_QUEUED) {
            flush(timeout, packet.code());
        }
    }

    private void add(MilterPacket packet) {
        byte[] frame = packet.frame();
        queued.add(ByteBuffer.wrap(frame));
        queuedBytes += frame.length;
    }

    private void flush(Duration timeout, char code) throws IOException, TimeoutException {
        ByteBuffer[] out = queued.toArray(ByteBuffer[]::new);
        queued.clear();
        queuedBytes = 0;
        Timeout deadline = arm(timeout);
        try {
            // A gathering write takes the buffers in order: the last one empty means all are sent.
            while (out[out.length - 1].hasRemaining()) {
                channel.write(out);
            }
        } catch (ClosedChannelException e) {
            throw expiredOr(deadline, e, "sending '" + PacketDecoder.printable(code) + "'");
        } finally {
            deadline.cancel();
        }
    }

    @Override
    public MilterPacket receive(Duration timeout) throws IOException, TimeoutException, MilterProtocolException {
        Timeout deadline = null;
        try {
            while (true) {
                Optional<MilterPacket> packet = decoder.next(in);
                if (packet.isPresent()) {
                    return packet.get();
                }
                if (deadline == null) {
                    deadline = arm(timeout);
                }
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) {
                    throw new EOFException(decoder.inPacket() ? "the peer closed the connection in the middle of a packet"
                            : "the peer closed the connection");
                }
            }
        } catch (ClosedChannelException e) {
            throw expiredOr(deadline, e, "waiting for a packet");
        } finally {
            if (deadline != null) {
                deadline.cancel();
            }
        }
    }

    @Override
    public boolean hasUnread() throws IOException {
        if (in.hasRemaining() || decoder.inPacket()) {
            return true;
        }
        // A look without waiting: the channel is switched to non-blocking for one read.
        in.clear();
        int n;
        channel.configureBlocking(false);
        try {
            n = channel.read(in);
        } finally {
            channel.configureBlocking(true);
            in.flip();
        }
        return n > 0;
    }

    @Override
    public void maxDataSize(int bytes) {
        decoder.maxDataSize(bytes);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is all that is left to do; there is nobody to tell.
        }
    }

    /** Closes the channel when {@code timeout} runs out, unless cancelled first. */
    private Timeout arm(Duration timeout) {
        return Deadlines.after(timeout, this::close);
    }

    /** A closed channel: this wait's deadline's doing (a timeout), else someone closed it (or the thread was interrupted). */
    private static IOException expiredOr(Timeout deadline, ClosedChannelException e, String what) throws TimeoutException {
        if (deadline != null && deadline.isExpired()) {
            throw new TimeoutException("timed out " + what);
        }
        if (e instanceof java.nio.channels.ClosedByInterruptException) {
            java.io.InterruptedIOException interrupted = new java.io.InterruptedIOException("interrupted while " + what);
            interrupted.initCause(e);
            return interrupted;
        }
        return new IOException("connection closed while " + what, e);
    }
}
