package org.portcullis.gateway.spool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.portcullis.gateway.envelope.Envelope;

/**
 * The records after a spool file's content. Each is framed so that a torn or overwritten one is
 * recognised and everything after it ignored:
 *
 * <pre>
 * marker "PCR1" (4) | type (1) | payload length (4) | payload | CRC-32C of type, length, payload (4)
 * </pre>
 *
 * The first record is the commit record (the envelope and the content's checksum); the others
 * are progress records, one per delivery attempt, each holding only what that attempt changed.
 */
final class SpoolRecords {

    static final byte COMMIT = 1;
    static final byte PROGRESS = 2;

    private static final int MARKER = 0x50435231;
    private static final int FRAME_HEAD = 9;
    private static final int FRAME_OVERHEAD = FRAME_HEAD + 4;
    /** No real record comes near this; a larger length field is garbage. */
    private static final int MAX_PAYLOAD = 64 << 20;
    private static final byte COMMIT_FORMAT = 1;
    private static final byte PROGRESS_FORMAT = 1;
    private static final long NO_NEXT_ATTEMPT = Long.MIN_VALUE;

    private SpoolRecords() {
    }

    /** The commit record's payload. */
    record Commit(int contentCrc, Envelope envelope) {
    }

    /** One step of reading the records. */
    sealed interface Read {
        record Frame(byte type, byte[] payload, long end) implements Read {
        }

        /** The file ends cleanly here. */
        record End() implements Read {
        }

        /** A record that is cut off or damaged: it and anything after it do not count. */
        record Torn(String reason) implements Read {
        }
    }

    static ByteBuffer commit(Envelope envelope, int contentCrc) {
        return frame(COMMIT, payload(out -> {
            out.writeByte(COMMIT_FORMAT);
            out.writeInt(contentCrc);
            EnvelopeCodec.write(out, envelope);
        }));
    }

    static ByteBuffer progress(ProgressUpdate update) {
        return frame(PROGRESS, payload(out -> {
            out.writeByte(PROGRESS_FORMAT);
            out.writeInt(update.attempts());
            out.writeLong(update.nextAttempt() == null ? NO_NEXT_ATTEMPT : update.nextAttempt().toEpochMilli());
            out.writeInt(update.changes().size());
            for (var change : update.changes().entrySet()) {
                out.writeInt(change.getKey());
                out.writeByte(change.getValue().state().ordinal());
                EnvelopeCodec.writeString(out, change.getValue().relay());
                EnvelopeCodec.writeString(out, change.getValue().reply());
            }
        }));
    }

    static Commit decodeCommit(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        byte format = in.readByte();
        if (format != COMMIT_FORMAT) {
            throw new IOException("unknown commit record format " + format);
        }
        int crc = in.readInt();
        try {
            Envelope envelope = EnvelopeCodec.read(in);
            requireConsumed(in);
            return new Commit(crc, envelope);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("envelope does not decode: " + e.getMessage(), e);
        }
    }

    static ProgressUpdate decodeProgress(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        byte format = in.readByte();
        if (format != PROGRESS_FORMAT) {
            throw new IOException("unknown progress record format " + format);
        }
        int attempts = in.readInt();
        long next = in.readLong();
        int count = in.readInt();
        if (attempts < 0 || count < 0 || count > payload.length) {
            throw new IOException("implausible progress record");
        }
        SortedMap<Integer, RecipientProgress> changes = new TreeMap<>();
        RecipientProgress.State[] states = RecipientProgress.State.values();
        for (int i = 0; i < count; i++) {
            int index = in.readInt();
            int state = in.readUnsignedByte();
            if (state >= states.length) {
                throw new IOException("unknown recipient state " + state);
            }
            changes.put(index, new RecipientProgress(states[state], EnvelopeCodec.readString(in),
                    EnvelopeCodec.readString(in)));
        }
        requireConsumed(in);
        return new ProgressUpdate(attempts, next == NO_NEXT_ATTEMPT ? null : Instant.ofEpochMilli(next), changes);
    }

    /** Reads the record at {@code at}; {@code size} is the file's size. */
    static Read read(FileChannel channel, long at, long size) throws IOException {
        if (at == size) {
            return new Read.End();
        }
        if (size - at < FRAME_OVERHEAD) {
            return new Read.Torn("file ends inside a record");
        }
        ByteBuffer head = readFully(channel, at, FRAME_HEAD);
        if (head.getInt(0) != MARKER) {
            return new Read.Torn("no record marker at offset " + at);
        }
        byte type = head.get(4);
        int length = head.getInt(5);
        if (length < 0 || length > MAX_PAYLOAD) {
            return new Read.Torn("implausible record length " + length + " at offset " + at);
        }
        if (size - at - FRAME_OVERHEAD < length) {
            return new Read.Torn("file ends inside the record at offset " + at);
        }
        ByteBuffer rest = readFully(channel, at + FRAME_HEAD, length + 4);
        byte[] payload = new byte[length];
        rest.get(payload);
        int stored = rest.getInt();
        if (stored != checksum(type, length, payload)) {
            return new Read.Torn("record checksum mismatch at offset " + at);
        }
        return new Read.Frame(type, payload, at + FRAME_OVERHEAD + length);
    }

    static ByteBuffer readFully(FileChannel channel, long at, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (channel.read(b, at + b.position()) < 0) {
                throw new IOException("unexpected end of file at offset " + (at + b.position()));
            }
        }
        return b.flip();
    }

    private static ByteBuffer frame(byte type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(FRAME_OVERHEAD + payload.length);
        b.putInt(MARKER).put(type).putInt(payload.length).put(payload).putInt(checksum(type, payload.length, payload));
        return b.flip();
    }

    private static int checksum(byte type, int length, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(type);
        crc.update(ByteBuffer.allocate(4).putInt(length).flip());
        crc.update(payload);
        return (int) crc.getValue();
    }

    private static void requireConsumed(DataInputStream in) throws IOException {
        if (in.available() != 0) {
            throw new IOException("record has " + in.available() + " unexplained bytes");
        }
    }

    private interface PayloadWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] payload(PayloadWriter writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }
}
