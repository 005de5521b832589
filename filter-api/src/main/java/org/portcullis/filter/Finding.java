package org.portcullis.filter;

import java.util.List;
import java.util.Objects;

/**
 * A fact a filter found, for the policy (and the admin reading the log) to act on. Each kind
 * has a {@link #name()}, the word a policy rule uses for it: {@code virus}, {@code spam.score},
 * {@code attachment.type}, {@code dlp.match}, or any name a plug-in gives a {@link Fact}.
 */
public sealed interface Finding {

    /** The name policy rules match on, e.g. {@code virus} or {@code subject.match}. */
    String name();

    /** A short, human-readable account for logs and {@code policy explain}. */
    String describe();

    /** A fact of a plug-in's own: {@code Finding.of("subject.match", subject)}. */
    static Fact of(String name, String value) {
        return new Fact(name, value);
    }

    /**
     * Malware found by a scanner.
     *
     * @param signature the scanner's name for it, e.g. {@code Eicar-Signature}
     * @param part      the MIME part it was found in ({@link MimePart#path()}), or {@code ""} for the whole message
     */
    record Virus(String signature, String part) implements Finding {
        public Virus {
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(part, "part");
        }

        @Override
        public String name() {
            return "virus";
        }

        @Override
        public String describe() {
            return signature + (part.isEmpty() ? "" : " in part " + part);
        }
    }

    /**
     * A score with the rules behind it, e.g. a spam score.
     *
     * @param name  what is scored, e.g. {@code spam.score}
     * @param score the score; higher means more of it
     * @param rules the rules that fired, as the scorer names them
     */
    record Score(String name, double score, List<String> rules) implements Finding {
        public Score {
            Objects.requireNonNull(name, "name");
            rules = List.copyOf(rules);
        }

        @Override
        public String describe() {
            return String.format(java.util.Locale.ROOT, "%.2f", score) + (rules.isEmpty() ? "" : " " + rules);
        }
    }

    /**
     * What an attachment really is, as found from its bytes.
     *
     * @param part     the MIME part
     * @param filename its file name, or {@code ""}
     * @param declared the content type the message claims
     * @param detected the content type its bytes show
     */
    record ContentType(String part, String filename, String declared, String detected) implements Finding {
        public ContentType {
            Objects.requireNonNull(part, "part");
            Objects.requireNonNull(filename, "filename");
            Objects.requireNonNull(declared, "declared");
            Objects.requireNonNull(detected, "detected");
        }

        @Override
        public String name() {
            return "attachment.type";
        }

        @Override
        public String describe() {
            return detected + (declared.equals(detected) ? "" : " (declared " + declared + ")")
                    + (filename.isEmpty() ? "" : " " + filename) + " in part " + part;
        }
    }

    /**
     * Data that must not leave (or enter) the organisation, found by a data-loss rule.
     *
     * @param rule  the rule's name, e.g. {@code credit-card}
     * @param part  the MIME part
     * @param count how many matches
     */
    record DataMatch(String rule, String part, int count) implements Finding {
        public DataMatch {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(part, "part");
        }

        @Override
        public String name() {
            return "dlp.match";
        }

        @Override
        public String describe() {
            return rule + " x" + count + " in part " + part;
        }
    }

    /** Anything else a plug-in wants the policy to know. */
    record Fact(String name, String value) implements Finding {
        public Fact {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String describe() {
            return value;
        }
    }
}
