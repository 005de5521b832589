package org.portcullis.policy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.OptionalDouble;
import org.portcullis.filter.Finding;

/**
 * The value of each kind of finding, as conditions compare it and placeholders print it: a
 * virus's signature, a score's number, an attachment's detected type, a data-loss rule's name,
 * a plug-in fact's text.
 */
final class Values {

    private Values() {
    }

    static String text(Finding finding) {
        return switch (finding) {
            case Finding.Virus v -> v.signature();
            case Finding.Score s -> number(s.score());
            case Finding.ContentType c -> baseType(c.detected());
            case Finding.DataMatch d -> d.rule();
            case Finding.Fact f -> f.value();
        };
    }

    static OptionalDouble number(Finding finding) {
        return switch (finding) {
            case Finding.Score s -> OptionalDouble.of(s.score());
            case Finding.Fact f -> parse(f.value());
            case Finding.Virus v -> OptionalDouble.empty();
            case Finding.ContentType c -> OptionalDouble.empty();
            case Finding.DataMatch d -> OptionalDouble.of(d.count());
        };
    }

    /** A number as an admin writes it: {@code 7}, {@code 7.5}, {@code 7.25} (two places at most). */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    static OptionalDouble parse(String text) {
        String t = text.strip();
        if (!t.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)")) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Double.parseDouble(t));
    }

    /** {@code type/subtype} of a content type, without parameters, lower case. */
    static String baseType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
                .toLowerCase(java.util.Locale.ROOT);
    }

    /** A value quoted for an explanation, cut short when long (header values can be). */
    static String quote(String value) {
        String oneLine = value.replaceAll("[\\p{Cntrl}]+", " ");
        return "'" + (oneLine.length() > 60 ? oneLine.substring(0, 57) + "..." : oneLine) + "'";
    }
}
