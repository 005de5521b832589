package org.portcullis.gateway.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The fixed header at the start of every spool file.
 *
 * <pre>
 * offset size
 *  0      8   magic "PCSPOOL1"
 *  8      4   content offset (32)
 * 12      4   reserved (0)
 * 16      8   content length
 * 24      4   CRC-32C of bytes 0..23
 * 28      4   reserved (0)
 * 32      …   message content, then the records (see {@link SpoolRecords})
 * </pre>
 *
 * The header is written only by commit; until then those bytes are a hole of zeros, which is
 * how an uncommitted file is recognised.
 */
final class SpoolFileLayout {

    static final int HEADER_SIZE = 32;

    private static final byte[] MAGIC = "PCSPOOL1".getBytes(StandardCharsets.US_ASCII);

    private SpoolFileLayout() {
    }

    static ByteBuffer header(long contentLength) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
        b.put(MAGIC).putInt(HEADER_SIZE).putInt(0).putLong(contentLength);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 24);
        b.putInt((int) crc.getValue()).putInt(0);
        return b.flip();
    }

    /** What a header says. */
    sealed interface Header {
        /** The header was written by a commit: the content is this long. */
        record Committed(long contentLength) implements Header {
        }

        /** All zeros: no commit ever wrote it. */
        record Absent() implements Header {
        }

        /** Something else: not a spool file, or a damaged one. */
        record Invalid(String reason) implements Header {
        }
    }

    static Header parse(ByteBuffer b) {
        byte[] bytes = new byte[HEADER_SIZE];
        b.get(bytes);
        if (Arrays.equals(bytes, new byte[HEADER_SIZE])) {
            return new Header.Absent();
        }
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return new Header.Invalid("not a spool file (bad magic)");
        }
        ByteBuffer view = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 24);
        if (view.getInt(24) != (int) crc.getValue()) {
            return new Header.Invalid("header checksum mismatch");
        }
        if (view.getInt(8) != HEADER_SIZE) {
            return new Header.Invalid("unknown layout (content offset " + view.getInt(8) + ")");
        }
        long length = view.getLong(16);
        if (length < 0) {
            return new Header.Invalid("negative content length");
        }
        return new Header.Committed(length);
    }
}
