package org.portcullis.message;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A text part's content with its n-th uuencoded file cut out and a notice line in its place;
 * every other byte as it was. Streams line by line; lines too long to be uuencoded pass through
 * in pieces without being held whole.
 */
final class UuencodedFileCut extends PieceStream {

    private static final int MAX_LINE = 1024;
    private static final byte[] NOTHING = new byte[0];

    private final InputStream in;
    private final int target;
    private final byte[] notice;
    private int seen;
    private boolean inFile;
    private boolean cutting;
    private boolean midLine;

    /** @param target which file to cut, counted from 1 in the order they appear */
    UuencodedFileCut(InputStream text, int target, String notice) {
        this.in = new BufferedInputStream(text);
        this.target = target;
        this.notice = (notice + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    @Override
    protected byte[] next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean complete = readLine(line);
        return line.size() == 0 ? null : process(line.toByteArray(), complete);
    }

    /** Reads up to a line end or {@link #MAX_LINE} bytes; true when the line end was reached. */
    private boolean readLine(ByteArrayOutputStream line) throws IOException {
        for (int b = in.read(); b >= 0; b = in.read()) {
            line.write(b);
            if (b == '\n') {
                return true;
            }
            if (line.size() >= MAX_LINE) {
                return false;
            }
        }
        return true;
    }

    private byte[] process(byte[] bytes, boolean complete) {
        boolean continuation = midLine;
        midLine = !complete;
        if (continuation || !complete) {
            // Too long for a uuencoded file: plain text, which also ends any file being read.
            inFile = false;
            cutting = false;
            return bytes;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("\r?\n$", "");
        if (!inFile) {
            if (UuencodedFiles.isBegin(text)) {
                inFile = true;
                cutting = ++seen == target;
                return cutting ? notice : bytes;
            }
            return bytes;
        }
        boolean wasCutting = cutting;
        if (text.equals("end")) {
            inFile = false;
            cutting = false;
            return wasCutting ? NOTHING : bytes;
        }
        if (UuencodedFiles.isBodyLine(text)) {
            return wasCutting ? NOTHING : bytes;
        }
        inFile = false;
        cutting = false;
        return bytes;
    }
}
