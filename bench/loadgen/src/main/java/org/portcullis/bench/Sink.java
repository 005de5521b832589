package org.portcullis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The next hop of every contender: an SMTP server that takes every message and throws it away,
 * counting messages and bytes. One virtual thread per connection with plain blocking sockets;
 * pipelined commands are answered in one write. Its counters are read over a control port:
 * a connection there gets one line {@code messages bytes sessions} and is closed.
 *
 * <p>It offers PIPELINING, 8BITMIME and SIZE but not CHUNKING, so that every contender relays
 * with DATA and the same dot-stuffing work.
 */
final class Sink {

    private final LongAdder messages = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong queueIds = new AtomicLong();

    static int run(Args args, PrintStream out) throws IOException, InterruptedException {
        InetSocketAddress listen = args.address("listen", "127.0.0.1:0");
        InetSocketAddress control = args.address("control", "127.0.0.1:0");
        Duration lifetime = args.duration("max-lifetime", Duration.ofHours(2));
        args.finish();
        Sink sink = new Sink();
        try (ServerSocket smtp = new ServerSocket();
             ServerSocket ctl = new ServerSocket()) {
            smtp.setReuseAddress(true);
            smtp.bind(listen, 4096);
            ctl.bind(control, 16);
            out.printf(Locale.ROOT, "sink listening smtp=%d control=%d%n", smtp.getLocalPort(), ctl.getLocalPort());
            out.flush();
            Thread.ofVirtual().start(() -> sink.acceptControl(ctl));
            Thread.ofVirtual().start(() -> sink.acceptSmtp(smtp));
            // Bounded: a sink left behind by a killed driver still goes away by itself.
            Thread.sleep(lifetime.toMillis());
        }
        return 0;
    }

    private void acceptSmtp(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void acceptControl(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                String line = messages.sum() + " " + bytes.sum() + " " + sessions.get() + "\n";
                s.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    /** Reads the counters of a running sink: messages, bytes, sessions. */
    static long[] query(InetSocketAddress control) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(control, 5000);
            s.setSoTimeout(5000);
            String line = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            String[] parts = line.split(" ");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])};
        }
    }

    private void serve(Socket socket) {
        sessions.incrementAndGet();
        try (socket) {
            socket.setTcpNoDelay(true);
            Connection c = new Connection(socket.getInputStream(), socket.getOutputStream());
            c.reply("220 sink.bench.example.org ESMTP bench sink");
            c.flushIfIdle();
            while (true) {
                String line = c.readLine();
                if (line == null) {
                    return;
                }
                String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> c.reply("250-sink.bench.example.org\r\n250-PIPELINING\r\n250-SIZE\r\n"
                            + "250-8BITMIME\r\n250 ENHANCEDSTATUSCODES");
                    case "HELO" -> c.reply("250 sink.bench.example.org");
                    case "MAIL" -> c.reply("250 2.1.0 Ok");
                    case "RCPT" -> c.reply("250 2.1.5 Ok");
                    case "DATA" -> {
                        c.reply("354 End data with <CR><LF>.<CR><LF>");
                        c.flush();
                        long n = c.skipData();
                        if (n < 0) {
                            return;
                        }
                        messages.increment();
                        bytes.add(n);
                        c.reply("250 2.0.0 Ok: queued as S" + queueIds.incrementAndGet());
                    }
                    case "RSET" -> c.reply("250 2.0.0 Ok");
                    case "NOOP" -> c.reply("250 2.0.0 Ok");
                    case "QUIT" -> {
                        c.reply("221 2.0.0 Bye");
                        c.flush();
                        return;
                    }
                    default -> c.reply("502 5.5.2 Command not implemented");
                }
                c.flushIfIdle();
            }
        } catch (IOException e) {
            // the client went away: nothing to count
        } finally {
            sessions.decrementAndGet();
        }
    }

    /** Buffered reading of lines and of DATA up to CR LF "." CR LF, straight from a byte array. */
    private static final class Connection {
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buf = new byte[64 * 1024];
        private int pos;
        private int limit;
        private final StringBuilder pending = new StringBuilder();

        Connection(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        void reply(String text) {
            pending.append(text).append("\r\n");
        }

        void flush() throws IOException {
            if (!pending.isEmpty()) {
                out.write(pending.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                pending.setLength(0);
            }
        }

        /** Pipelining: answer at once only when no further command is already buffered. */
        void flushIfIdle() throws IOException {
            if (pos >= limit) {
                flush();
            }
        }

        private boolean fill() throws IOException {
            if (pos < limit) {
                return true;
            }
            flush();
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        }

        String readLine() throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                if (!fill()) {
                    return null;
                }
                while (pos < limit) {
                    byte b = buf[pos++];
                    if (b == '\n') {
                        int n = line.length();
                        if (n > 0 && line.charAt(n - 1) == '\r') {
                            line.setLength(n - 1);
                        }
                        return line.toString();
                    }
                    if (line.length() > 65536) {
                        throw new IOException("command line too long");
                    }
                    line.append((char) (b & 0xff));
                }
            }
        }

        /**
         * Skips message data up to and including the end-of-data line.
         *
         * @return the bytes of data before the end-of-data line, or -1 when the connection ended first
         */
        long skipData() throws IOException {
            // 0 inside a line, 1 after CR, 2 at a line start, 3 after a leading dot, 4 after ".\r"
            int state = 2;
            long count = 0;
            while (true) {
                if (!fill()) {
                    return -1;
                }
                int start = pos;
                while (pos < limit) {
                    byte b = buf[pos++];
                    switch (state) {
                        case 0 -> state = b == '\r' ? 1 : 0;
                        case 1 -> state = b == '\n' ? 2 : b == '\r' ? 1 : 0;
                        case 2 -> state = b == '.' ? 3 : b == '\r' ? 1 : 0;
                        case 3 -> state = b == '\r' ? 4 : 0;
                        default -> {
                            if (b == '\n') {
                                count += pos - start;
                                return count - 3;
                            }
                            state = b == '\r' ? 1 : 0;
                        }
                    }
                }
                count += pos - start;
            }
        }
    }
}
