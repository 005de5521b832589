package org.portcullis.gateway.relay;

import java.lang.Character.UnicodeScript;
import java.net.IDN;
import java.text.Normalizer;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The checks on one internationalised domain label (a U-label, or what an {@code xn--} label
 * decodes to) that keep look-alike domains out: only letters, marks, digits and hyphens; no
 * character that NFKC would fold into another (fullwidth {@code ｅ}); one script per label, as
 * in the "highly restrictive" level of Unicode TS #39 (Latin with Han and Japanese kana, Bopomofo
 * or Hangul is fine, Latin with Cyrillic is not); and a label must survive the trip to its
 * A-label and back unchanged, so that {@code ß} or {@code ς}, which IDNA 2003 (the JDK's
 * {@link IDN}) and IDNA 2008 treat differently, cannot name two domains at once.
 */
final class UnicodeLabelCheck {

    /** Scripts that may share a label; any single script may stand alone. */
    private static final List<Set<UnicodeScript>> ALLOWED_SCRIPT_MIXES = List.of(
            EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.HIRAGANA, UnicodeScript.KATAKANA),
            EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.BOPOMOFO),
            EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.HANGUL));

    private UnicodeLabelCheck() {
    }

    /**
     * @param label a label already in lower case and NFC
     * @return the refusal, or empty when the label is acceptable
     */
    static Optional<Refusal> check(String label) {
        if (!label.codePoints().allMatch(UnicodeLabelCheck::isLabelCharacter)) {
            return Optional.of(Refusal.syntax("character not allowed in a domain name", "domain_syntax"));
        }
        String folded = Normalizer.normalize(
                Normalizer.normalize(label, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
        if (!folded.equals(label)) {
            return Optional.of(Refusal.trick("domain has a compatibility character that looks like another",
                    "compatibility_form"));
        }
        if (!isSingleScript(label)) {
            return Optional.of(Refusal.trick("domain label mixes scripts", "mixed_script"));
        }
        String ascii;
        try {
            ascii = IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            return Optional.of(Refusal.syntax("not a valid internationalised domain name", "idna"));
        }
        if (!IDN.toUnicode(ascii, IDN.USE_STD3_ASCII_RULES).equals(label)) {
            return Optional.of(Refusal.trick("domain label has no unambiguous IDNA form", "idna"));
        }
        return Optional.empty();
    }

    private static boolean isLabelCharacter(int codePoint) {
        if (codePoint < 0x80) {
            return codePoint == '-' || (codePoint >= 'a' && codePoint <= 'z') || (codePoint >= '0' && codePoint <= '9');
        }
        return switch (Character.getType(codePoint)) {
            case Character.LOWERCASE_LETTER, Character.UPPERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                 Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK,
                 Character.DECIMAL_DIGIT_NUMBER -> true;
            default -> false;
        };
    }

    private static boolean isSingleScript(String label) {
        Set<UnicodeScript> scripts = EnumSet.noneOf(UnicodeScript.class);
        label.codePoints()
                .mapToObj(UnicodeScript::of)
                // Digits and the hyphen are COMMON, combining marks INHERITED: they join any script.
                .filter(script -> script != UnicodeScript.COMMON && script != UnicodeScript.INHERITED)
                .forEach(scripts::add);
        if (scripts.size() <= 1) {
            return true;
        }
        return ALLOWED_SCRIPT_MIXES.stream().anyMatch(mix -> mix.containsAll(scripts));
    }
}
