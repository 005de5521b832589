package org.portcullis.gateway.queue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough MIME to read a DSN back in the tests: header fields and multipart bodies. */
record Mime(Map<String, List<String>> headers, String body) {

    static Mime parse(byte[] bytes) {
        return parse(new String(bytes, StandardCharsets.UTF_8));
    }

    static Mime parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end + 2);
        String body = end < 0 ? "" : text.substring(end + 4);
        return new Mime(fields(head), body);
    }

    /** Header fields (unfolded), by lower-case name, in order. */
    static Map<String, List<String>> fields(String head) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String unfolded = head.replaceAll("\r\n[ \t]+", " ");
        for (String line : unfolded.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : values.get(0);
    }

    /** The parts of a multipart body, by its boundary parameter. */
    List<Mime> parts() {
        Matcher m = Pattern.compile("boundary=\"([^\"]+)\"").matcher(header("Content-Type"));
        if (!m.find()) {
            throw new AssertionError("no boundary in " + header("Content-Type"));
        }
        String delimiter = "\r\n--" + m.group(1);
        String all = "\r\n" + body;
        int close = all.indexOf(delimiter + "--");
        if (close < 0) {
            throw new AssertionError("no closing delimiter");
        }
        List<Mime> parts = new ArrayList<>();
        int at = all.indexOf(delimiter);
        while (at >= 0 && at < close) {
            int start = all.indexOf("\r\n", at + delimiter.length()) + 2;
            int next = all.indexOf(delimiter, start);
            String part = all.substring(start, next);
            parts.add(part.startsWith("\r\n") ? new Mime(Map.of(), part.substring(2)) : parse(part));
            at = next;
        }
        return parts;
    }

    /** The groups of fields of a message/delivery-status body: per-message first, then per recipient. */
    List<Map<String, List<String>>> statusGroups() {
        List<Map<String, List<String>>> groups = new ArrayList<>();
        for (String block : body.split("\r\n\r\n")) {
            if (!block.isBlank()) {
                groups.add(fields(block + "\r\n"));
            }
        }
        return groups;
    }
}
