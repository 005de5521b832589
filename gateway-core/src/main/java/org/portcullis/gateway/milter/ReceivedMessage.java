package org.portcullis.gateway.milter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The message an MTA streams to the milter server, rebuilt in a temporary file as it was
 * received: CRLF line ends, the header fields from {@code L}, the empty line, then the body from
 * {@code B}. At most {@code maxSize} bytes are kept; the rest is counted and dropped, and the
 * message is refused at its end. A write that fails (a full disk) is kept as the message's
 * failure, for the end of the message to answer 4xx; the MTA's commands go on being read.
 */
final class ReceivedMessage implements AutoCloseable {

    private static final byte[] CRLF = {'\r', '\n'};

    private final Path directory;
    private final long maxSize;
    private Path file;
    private OutputStream out;
    private long size;
    private long written;
    private boolean headersEnded;
    private boolean finished;
    private IOException failure;

    ReceivedMessage(Path directory, long maxSize) {
        this.directory = directory;
        this.maxSize = maxSize;
    }

    /**
     * One header field. {@code value} is the text after the colon as the MTA sent it: with its
     * leading white space when HDR_LEADSPC was agreed (else a single space is put back), the
     * lines of a folded field separated by LF or CRLF.
     */
    void header(String name, String value, boolean leadingSpace) {
        String text = name + ":" + (leadingSpace ? "" : " ") + value.replace("\r\n", "\n").replace("\n", "\r\n");
        write(text.getBytes(StandardCharsets.UTF_8));
        write(CRLF);
    }

    /** The empty line after the header section (written once, also when the MTA sends no {@code N}). */
    void endOfHeaders() {
        if (!headersEnded) {
            headersEnded = true;
            write(CRLF);
        }
    }

    void body(byte[] chunk) {
        endOfHeaders();
        write(chunk);
    }

    /** The whole message is in: flushed and closed for reading. */
    void finish() {
        if (finished) {
            return;
        }
        endOfHeaders();
        finished = true;
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    /** The write that failed, if one did: the message cannot be judged. */
    java.util.Optional<IOException> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /** Whether more came than {@code max_message_size}. */
    boolean tooBig() {
        return size > maxSize;
    }

    /** The bytes received, kept or not. */
    long size() {
        return size;
    }

    Path file() {
        return file;
    }

    /** The bytes in the file. */
    long length() {
        return written;
    }

    /** Deletes the file. */
    @Override
    public void close() {
        try {
            if (out != null) {
                out.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // A temporary file that cannot be removed is left for the system's cleaner.
        }
    }

    private void write(byte[] bytes) {
        size += bytes.length;
        if (size > maxSize || failure != null) {
            return;
        }
        try {
            if (out == null) {
                file = Files.createTempFile(directory, "milterd-", ".eml");
                out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
            }
            out.write(bytes);
            written += bytes.length;
        } catch (IOException e) {
            failure = e;
        }
    }
}
