package org.portcullis.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Flat JSON objects (string, number, boolean and null values): all the results files hold. */
final class Json {

    private Json() {
    }

    static String write(Map<String, Object> object) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : object.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            string(sb, e.getKey());
            sb.append(':');
            Object v = e.getValue();
            if (v == null) {
                sb.append("null");
            } else if (v instanceof Double d) {
                sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.4f", d));
            } else if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                string(sb, v.toString());
            }
        }
        return sb.append('}').toString();
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Parses one flat object; numbers come back as Double, strings as String. */
    static Map<String, Object> parse(String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        int[] at = {skip(text, 0)};
        expect(text, at, '{');
        if (peek(text, at) == '}') {
            return out;
        }
        while (true) {
            String key = readString(text, at);
            expect(text, at, ':');
            out.put(key, readValue(text, at));
            char c = peek(text, at);
            at[0]++;
            if (c == '}') {
                return out;
            }
            if (c != ',') {
                throw new IllegalArgumentException("expected , or } at " + at[0] + " in " + text);
            }
        }
    }

    private static Object readValue(String t, int[] at) {
        char c = peek(t, at);
        if (c == '"') {
            return readString(t, at);
        }
        int start = at[0];
        while (at[0] < t.length() && ",}".indexOf(t.charAt(at[0])) < 0 && !Character.isWhitespace(t.charAt(at[0]))) {
            at[0]++;
        }
        String word = t.substring(start, at[0]);
        at[0] = skip(t, at[0]);
        return switch (word) {
            case "null" -> null;
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> Double.parseDouble(word);
        };
    }

    private static String readString(String t, int[] at) {
        expect(t, at, '"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = t.charAt(at[0]++);
            if (c == '"') {
                at[0] = skip(t, at[0]);
                return sb.toString();
            }
            if (c == '\\') {
                char e = t.charAt(at[0]++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(t.substring(at[0], at[0] + 4), 16));
                        at[0] += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private static void expect(String t, int[] at, char c) {
        at[0] = skip(t, at[0]);
        if (at[0] >= t.length() || t.charAt(at[0]) != c) {
            throw new IllegalArgumentException("expected " + c + " at " + at[0] + " in " + t);
        }
        at[0] = skip(t, at[0] + 1);
    }

    private static char peek(String t, int[] at) {
        at[0] = skip(t, at[0]);
        return at[0] < t.length() ? t.charAt(at[0]) : '\0';
    }

    private static int skip(String t, int i) {
        while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
            i++;
        }
        return i;
    }
}
