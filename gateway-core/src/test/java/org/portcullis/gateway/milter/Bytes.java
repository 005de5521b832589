package org.portcullis.gateway.milter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Writes packets the way MILTER.md §9 prints them: hex bytes and quoted strings ({@code \0} for NUL). */
final class Bytes {

    private Bytes() {
    }

    /** {@code of("00 00 00 01 63")} or {@code of("00 00 00 0f 4c", "Subject\0hello\0")}, parts joined. */
    static byte[] of(String hex, String... strings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HexFormat.of().parseHex(hex.replace(" ", "")));
        for (String s : strings) {
            if (s.startsWith("0x")) {
                out.writeBytes(HexFormat.of().parseHex(s.substring(2).replace(" ", "")));
            } else {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }
}
