package org.portcullis.filter;

import java.util.Objects;

/**
 * What a filter proposes to do with the connection, recipient or message. The policy has the
 * last word; without a rule that says otherwise, the strictest proposal of the chain stands.
 * Reject, tempfail and discard are answers inside the SMTP dialogue; quarantine accepts and
 * holds the message for an admin.
 */
public sealed interface Verdict {

    /** Carry on; the same as no verdict. */
    record Continue() implements Verdict {
    }

    /** Accept now; later filters of this stage are not asked. */
    record Accept() implements Verdict {
    }

    /** A permanent refusal: a 5xx reply. */
    record Reject(int code, String enhancedCode, String text) implements Verdict {
        public Reject {
            requireReply(code, 5, enhancedCode, text);
        }
    }

    /** A temporary refusal: a 4xx reply; the client tries again later. */
    record Tempfail(int code, String enhancedCode, String text) implements Verdict {
        public Tempfail {
            requireReply(code, 4, enhancedCode, text);
        }
    }

    /** Say 250 to the client and drop the message. */
    record Discard() implements Verdict {
    }

    /** Accept and hold the message for an admin, with the reason. */
    record Quarantine(String reason) implements Verdict {
        public Quarantine {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static Verdict reject(String text) {
        return new Reject(550, "5.7.1", text);
    }

    static Verdict tempfail(String text) {
        return new Tempfail(451, "4.7.1", text);
    }

    static Verdict quarantine(String reason) {
        return new Quarantine(reason);
    }

    static Verdict discard() {
        return new Discard();
    }

    /** How strict a verdict is, for choosing among proposals: continue &lt; accept &lt; … &lt; reject. */
    static int severity(Verdict verdict) {
        return switch (verdict) {
            case Continue c -> 0;
            case Accept a -> 1;
            case Quarantine q -> 2;
            case Discard d -> 3;
            case Tempfail t -> 4;
            case Reject r -> 5;
        };
    }

    private static void requireReply(int code, int firstDigit, String enhancedCode, String text) {
        if (code / 100 != firstDigit || code % 100 > 59) {
            throw new IllegalArgumentException("reply code must be " + firstDigit + "xx: " + code);
        }
        Objects.requireNonNull(enhancedCode, "enhancedCode");
        if (!enhancedCode.matches(firstDigit + "\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("enhanced status code must be " + firstDigit + ".x.y: " + enhancedCode);
        }
        Objects.requireNonNull(text, "text");
        if (text.chars().anyMatch(c -> c == '\r' || c == '\n')) {
            throw new IllegalArgumentException("reply text must be one line");
        }
    }
}
