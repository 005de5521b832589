package org.portcullis.gateway.relay;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks the domain of a mailbox and puts it in canonical form: lower case, NFC, labels joined
 * by single dots, {@code xn--} labels kept as the client wrote them (in lower case). What relay
 * control compares is then exactly what the next hop receives.
 *
 * <p>Refused: IP literals and dotted-quad "domains", a trailing dot, empty labels, labels that
 * are not letters/digits/hyphen or start or end with a hyphen, labels over 63 octets, domains
 * over 255 octets, {@code xn--} labels that do not decode or decode to a look-alike, and
 * Unicode labels that fail {@link UnicodeLabelCheck}. Whether the top-level domain exists is
 * not a question of syntax; {@link ConfiguredRelayControl} asks it for senders.
 */
public final class DomainNameCheck {

    /** RFC 5321 §4.5.3.1.2. */
    public static final int MAX_DOMAIN_OCTETS = 255;
    private static final int MAX_LABEL_OCTETS = 63;
    private static final String ACE_PREFIX = "xn--";

    private DomainNameCheck() {
    }

    /**
     * @param domain         the domain as the client wrote it (without {@code @})
     * @param unicodeAllowed whether non-ASCII labels may appear (SMTPUTF8 was given)
     */
    public static Checked check(String domain, boolean unicodeAllowed) {
        Objects.requireNonNull(domain, "domain");
        Optional<Refusal> refusal = wholeDomainRefusal(domain, unicodeAllowed);
        if (refusal.isPresent()) {
            return new Checked.Refused(refusal.get());
        }
        String[] labels = domain.split("\\.", -1);
        StringBuilder canonical = new StringBuilder(domain.length());
        for (String label : labels) {
            String lower = Normalizer.normalize(label.toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
            Optional<Refusal> labelRefusal = labelRefusal(lower);
            if (labelRefusal.isPresent()) {
                return new Checked.Refused(labelRefusal.get());
            }
            if (!canonical.isEmpty()) {
                canonical.append('.');
            }
            canonical.append(lower);
        }
        String last = labels[labels.length - 1];
        if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // 192.0.2.1 written without brackets is an IP literal in disguise.
            return new Checked.Refused(Refusal.trick("IP addresses are not accepted as domains", "ip_literal"));
        }
        return new Checked.Ok(canonical.toString());
    }

    /**
     * The canonical domain with every Unicode label in its A-label form: the key under which
     * two spellings of one internationalised domain compare equal.
     *
     * @throws IllegalArgumentException if {@code canonical} did not come from {@link #check}
     */
    public static String asciiForm(String canonical) {
        return IDN.toASCII(canonical, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    }

    private static Optional<Refusal> wholeDomainRefusal(String domain, boolean unicodeAllowed) {
        if (domain.isEmpty()) {
            return Optional.of(Refusal.syntax("missing domain", "syntax"));
        }
        if (domain.charAt(0) == '[') {
            return Optional.of(Refusal.trick("address literals are not accepted", "ip_literal"));
        }
        if (domain.indexOf('@') >= 0) {
            return Optional.of(Refusal.trick("more than one @ in address", "multiple_at"));
        }
        if (domain.endsWith(".") && domain.length() > 1 && domain.charAt(domain.length() - 2) != '.') {
            return Optional.of(Refusal.trick("trailing dot in domain", "trailing_dot"));
        }
        if (!unicodeAllowed && !domain.chars().allMatch(c -> c < 0x80)) {
            return Optional.of(new Refusal(Refusal.Kind.NEEDS_SMTPUTF8,
                    "non-ASCII domain without SMTPUTF8", "needs_smtputf8"));
        }
        if (domain.getBytes(StandardCharsets.UTF_8).length > MAX_DOMAIN_OCTETS) {
            return Optional.of(Refusal.syntax("domain too long", "too_long"));
        }
        return Optional.empty();
    }

    private static Optional<Refusal> labelRefusal(String label) {
        if (label.isEmpty()) {
            return Optional.of(Refusal.syntax("empty label in domain", "domain_syntax"));
        }
        if (label.getBytes(StandardCharsets.UTF_8).length > MAX_LABEL_OCTETS && isAscii(label)) {
            return Optional.of(Refusal.syntax("domain label too long", "too_long"));
        }
        if (label.startsWith("-") || label.endsWith("-")) {
            return Optional.of(Refusal.syntax("domain label starts or ends with a hyphen", "domain_syntax"));
        }
        if (!isAscii(label)) {
            return UnicodeLabelCheck.check(label);
        }
        if (!label.chars().allMatch(c -> c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return Optional.of(Refusal.syntax("character not allowed in a domain name", "domain_syntax"));
        }
        if (label.startsWith(ACE_PREFIX)) {
            return punycodeRefusal(label);
        }
        return Optional.empty();
    }

    /** An {@code xn--} label must decode, be the one encoding of what it decodes to, and pass the Unicode checks. */
    private static Optional<Refusal> punycodeRefusal(String label) {
        String decoded = IDN.toUnicode(label, IDN.USE_STD3_ASCII_RULES);
        // IDN.toUnicode hands back its input, unchanged, when the label does not decode.
        if (decoded.equals(label) || isAscii(decoded)) {
            return Optional.of(Refusal.trick("invalid punycode label in domain", "punycode"));
        }
        if (!decoded.equals(Normalizer.normalize(decoded.toLowerCase(Locale.ROOT), Normalizer.Form.NFC))) {
            return Optional.of(Refusal.trick("punycode label is not in canonical form", "punycode"));
        }
        Optional<Refusal> unicode = UnicodeLabelCheck.check(decoded);
        if (unicode.isPresent()) {
            Refusal inner = unicode.get();
            return Optional.of(Refusal.trick("punycode label: " + inner.reason(), inner.tag()));
        }
        if (!IDN.toASCII(decoded, IDN.USE_STD3_ASCII_RULES).equalsIgnoreCase(label)) {
            return Optional.of(Refusal.trick("punycode label is not in canonical form", "punycode"));
        }
        return Optional.empty();
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }
}
