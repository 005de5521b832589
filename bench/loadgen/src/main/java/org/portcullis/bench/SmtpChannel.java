package org.portcullis.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One blocking SMTP client connection: commands out, multi-line replies in. */
final class SmtpChannel implements AutoCloseable {

    /** A reply: its code and its last line. */
    record Reply(int code, String text) {
        boolean positive() {
            return code >= 200 && code < 400;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final StringBuilder line = new StringBuilder(128);

    SmtpChannel(InetSocketAddress target, int timeoutMillis) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(target, timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        in = new BufferedInputStream(socket.getInputStream(), 8192);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    void command(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
        out.flush();
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    void flush() throws IOException {
        out.flush();
    }

    Reply reply() throws IOException {
        while (true) {
            String l = readLine();
            if (l.length() < 3) {
                throw new IOException("malformed reply: " + l);
            }
            if (l.length() == 3 || l.charAt(3) != '-') {
                int code;
                try {
                    code = Integer.parseInt(l.substring(0, 3));
                } catch (NumberFormatException e) {
                    throw new IOException("malformed reply: " + l);
                }
                return new Reply(code, l);
            }
        }
    }

    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the server"
                        + (line.isEmpty() ? "" : " after: " + line));
            }
            if (b == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
            if (line.length() > 4096) {
                throw new IOException("reply line too long");
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a benchmark connection: nothing to do about it
        }
    }
}
