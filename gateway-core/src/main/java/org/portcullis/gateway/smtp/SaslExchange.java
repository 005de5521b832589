package org.portcullis.gateway.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * One SMTP AUTH exchange (RFC 4954) for the PLAIN (RFC 4616) and LOGIN mechanisms: decodes the
 * client's base64 responses and yields the credentials, or the reply that ends the exchange.
 */
final class SaslExchange {

    /** What the session does next. */
    sealed interface Step {
        /** Send {@code 334 <challenge>} and wait for one more line. */
        record Challenge(String challenge) implements Step {
        }

        /** Check these credentials. */
        record Credentials(String user, char[] password) implements Step {
        }

        /** The exchange is over without credentials. */
        record Failed(SmtpReply reply) implements Step {
        }
    }

    static final String MECHANISMS = "PLAIN LOGIN";
    private static final String USERNAME = base64("Username:");
    private static final String PASSWORD = base64("Password:");

    private final boolean plain;
    private String loginUser;

    private SaslExchange(boolean plain) {
        this.plain = plain;
    }

    /** @return null when the mechanism is not offered */
    static SaslExchange forMechanism(String mechanism) {
        return switch (mechanism.toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> new SaslExchange(true);
            case "LOGIN" -> new SaslExchange(false);
            default -> null;
        };
    }

    /** @param initial the initial response given with the AUTH command, or null */
    Step begin(String initial) {
        if (initial == null) {
            return new Step.Challenge(plain ? "" : USERNAME);
        }
        return respond(initial);
    }

    Step respond(String line) {
        if (line.equals("*")) {
            return new Step.Failed(SmtpReply.of(501, "5.0.0", "Authentication aborted"));
        }
        byte[] decoded;
        try {
            decoded = line.equals("=") ? new byte[0] : Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            return new Step.Failed(SmtpReply.of(501, "5.5.2", "Invalid base64 in authentication response"));
        }
        String text = new String(decoded, StandardCharsets.UTF_8);
        if (plain) {
            return plainCredentials(text);
        }
        if (loginUser == null) {
            loginUser = text;
            return new Step.Challenge(PASSWORD);
        }
        return new Step.Credentials(loginUser, text.toCharArray());
    }

    /** {@code [authzid] NUL authcid NUL passwd}; acting for another identity is refused. */
    private static Step plainCredentials(String text) {
        int first = text.indexOf('\0');
        int second = first < 0 ? -1 : text.indexOf('\0', first + 1);
        if (second < 0) {
            return new Step.Failed(SmtpReply.of(501, "5.5.2", "Malformed PLAIN response"));
        }
        String authzid = text.substring(0, first);
        String user = text.substring(first + 1, second);
        if (!authzid.isEmpty() && !authzid.equals(user)) {
            return new Step.Failed(SmtpReply.of(535, "5.7.8", "Authentication credentials invalid"));
        }
        return new Step.Credentials(user, text.substring(second + 1).toCharArray());
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
