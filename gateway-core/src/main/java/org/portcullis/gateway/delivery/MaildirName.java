package org.portcullis.gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.portcullis.gateway.envelope.MailAddress;

/**
 * The directory name of a recipient's Maildir under the root: the address in lower case, every
 * octet outside {@code [a-z0-9@._+=-]} written as {@code %XX}, and a leading dot too. So the name
 * is one path element that can never be {@code .}, {@code ..}, hidden, or contain a separator,
 * and two addresses never share a Maildir by accident.
 */
final class MaildirName {

    /** File systems allow 255 octets per name; a longer one ends in a hash of the whole address. */
    static final int MAX_LENGTH = 200;

    private MaildirName() {
    }

    static String of(MailAddress address) {
        String lower = address.toString().toLowerCase(Locale.ROOT);
        StringBuilder name = new StringBuilder(lower.length() + 8);
        byte[] bytes = lower.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                    || b == '@' || b == '_' || b == '+' || b == '=' || b == '-' || (b == '.' && i > 0);
            if (plain) {
                name.append((char) b);
            } else {
                name.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) b));
            }
        }
        if (name.isEmpty()) {
            return "%00";
        }
        if (name.length() > MAX_LENGTH) {
            return name.substring(0, MAX_LENGTH - 17) + "~" + sha256(lower).substring(0, 16);
        }
        return name.toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
