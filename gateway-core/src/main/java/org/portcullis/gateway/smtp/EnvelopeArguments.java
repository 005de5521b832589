package org.portcullis.gateway.smtp;

import java.util.Locale;
import java.util.Map;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.MailParameters;
import org.portcullis.gateway.envelope.Recipient;
import org.portcullis.gateway.relay.PathParser;
import org.portcullis.gateway.relay.PathResult;

/**
 * Reads the arguments of MAIL FROM and RCPT TO: the path (through the {@link PathParser}, which
 * refuses relay tricks) and the ESMTP parameters we announce — SIZE, BODY, SMTPUTF8, RET, ENVID
 * and AUTH on MAIL (RFC 1870, 6152, 6531, 3461, 4954); NOTIFY and ORCPT on RCPT (RFC 3461).
 */
final class EnvelopeArguments {

    /** The outcome of reading MAIL FROM. */
    sealed interface Mail {
        /** @param raw every parameter as given, keywords upper case, for the filters */
        record Ok(MailAddress sender, MailParameters parameters, long declaredSize, Map<String, String> raw)
                implements Mail {
        }

        record Refused(SmtpReply reply) implements Mail {
        }
    }

    /** The outcome of reading RCPT TO. */
    sealed interface Rcpt {
        /** @param raw every parameter as given, keywords upper case, for the filters */
        record Ok(Recipient recipient, Map<String, String> raw) implements Rcpt {
        }

        record Refused(SmtpReply reply) implements Rcpt {
        }
    }

    private static final int MAX_ENVID = 100;
    private static final int MAX_ORCPT = 500;

    private final PathParser paths;
    private final long maxMessageSize;

    EnvelopeArguments(PathParser paths, long maxMessageSize) {
        this.paths = paths;
        this.maxMessageSize = maxMessageSize;
    }

    /** @param argument everything after {@code MAIL FROM:} */
    Mail mail(String argument) {
        // The path may be UTF-8 only with SMTPUTF8, which comes after it: read it leniently
        // first to find the parameters, then again as the parameters allow.
        PathResult lenient = paths.parseReversePath(argument, true);
        if (lenient instanceof PathResult.Rejected r) {
            return new Mail.Refused(SmtpReply.of(r.code(), r.enhancedCode(), r.text()));
        }
        var params = EsmtpParameters.parse(((PathResult.Parsed) lenient).parameters());
        if (params.isEmpty()) {
            return new Mail.Refused(SmtpReply.of(501, "5.5.4", "Malformed MAIL FROM parameters"));
        }
        Map<String, String> p = params.get().asMap();
        boolean smtpUtf8 = p.containsKey("SMTPUTF8");
        PathResult path = smtpUtf8 ? lenient : paths.parseReversePath(argument, false);
        if (path instanceof PathResult.Rejected r) {
            return new Mail.Refused(SmtpReply.of(r.code(), r.enhancedCode(), r.text()));
        }
        MailAddress sender = ((PathResult.Parsed) path).address();
        long size = -1;
        String body = null;
        String ret = null;
        String envid = null;
        for (var e : p.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "SIZE" -> {
                    if (v == null || !v.matches("\\d{1,19}")) {
                        return refusedMail(501, "5.5.4", "SIZE takes a number of octets");
                    }
                    size = parseSize(v);
                    if (size > maxMessageSize) {
                        return refusedMail(552, "5.3.4", "Message size exceeds fixed limit of " + maxMessageSize + " octets");
                    }
                }
                case "BODY" -> {
                    body = v == null ? "" : v.toUpperCase(Locale.ROOT);
                    if (!body.equals("7BIT") && !body.equals("8BITMIME")) {
                        return refusedMail(501, "5.5.4", "BODY must be 7BIT or 8BITMIME");
                    }
                }
                case "SMTPUTF8" -> {
                    if (v != null) {
                        return refusedMail(501, "5.5.4", "SMTPUTF8 takes no value");
                    }
                }
                case "RET" -> {
                    ret = v == null ? "" : v.toUpperCase(Locale.ROOT);
                    if (!ret.equals("FULL") && !ret.equals("HDRS")) {
                        return refusedMail(501, "5.5.4", "RET must be FULL or HDRS");
                    }
                }
                case "ENVID" -> {
                    if (v == null || v.length() > MAX_ENVID || !EsmtpParameters.isXtext(v)) {
                        return refusedMail(501, "5.5.4", "ENVID must be xtext of at most " + MAX_ENVID + " characters");
                    }
                    envid = v;
                }
                case "AUTH" -> {
                    // RFC 4954 §5: the client's claim of who submitted; we trust only our own AUTH.
                }
                default -> {
                    return refusedMail(555, "5.5.4", "Unsupported MAIL FROM parameter " + safe(e.getKey()));
                }
            }
        }
        return new Mail.Ok(sender, new MailParameters(body, smtpUtf8, ret, envid), size, nonNull(p));
    }

    /** @param argument everything after {@code RCPT TO:} */
    Rcpt rcpt(String argument, boolean smtpUtf8) {
        PathResult path = paths.parseForwardPath(argument, smtpUtf8);
        if (path instanceof PathResult.Rejected r) {
            return new Rcpt.Refused(SmtpReply.of(r.code(), r.enhancedCode(), r.text()));
        }
        var parsed = (PathResult.Parsed) path;
        var params = EsmtpParameters.parse(parsed.parameters());
        if (params.isEmpty()) {
            return refusedRcpt(501, "5.5.4", "Malformed RCPT TO parameters");
        }
        String notify = null;
        String orcpt = null;
        for (var e : params.get().asMap().entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "NOTIFY" -> {
                    if (v == null || !validNotify(v.toUpperCase(Locale.ROOT))) {
                        return refusedRcpt(501, "5.5.4", "NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY");
                    }
                    notify = v.toUpperCase(Locale.ROOT);
                }
                case "ORCPT" -> {
                    int semi = v == null ? -1 : v.indexOf(';');
                    if (semi <= 0 || v.length() > MAX_ORCPT || !v.substring(0, semi).matches("[A-Za-z0-9-]+")
                            || !EsmtpParameters.isXtext(v.substring(semi + 1))) {
                        return refusedRcpt(501, "5.5.4", "ORCPT must be addr-type;xtext, e.g. rfc822;user@example.com");
                    }
                    orcpt = v;
                }
                default -> {
                    return refusedRcpt(555, "5.5.4", "Unsupported RCPT TO parameter " + safe(e.getKey()));
                }
            }
        }
        return new Rcpt.Ok(new Recipient(parsed.address(), notify, orcpt), nonNull(params.get().asMap()));
    }

    /** Keywords without a value (SMTPUTF8) map to the empty string. */
    private static Map<String, String> nonNull(Map<String, String> params) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v == null ? "" : v));
        return out;
    }

    private static boolean validNotify(String v) {
        if (v.equals("NEVER")) {
            return true;
        }
        String[] items = v.split(",", -1);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String item : items) {
            if (!(item.equals("SUCCESS") || item.equals("FAILURE") || item.equals("DELAY")) || !seen.add(item)) {
                return false;
            }
        }
        return true;
    }

    private static long parseSize(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A keyword for a reply text: it passed the keyword syntax, but keep replies short. */
    private static String safe(String keyword) {
        return keyword.length() > 20 ? keyword.substring(0, 20) : keyword;
    }

    private static Mail refusedMail(int code, String enhanced, String text) {
        return new Mail.Refused(SmtpReply.of(code, enhanced, text));
    }

    private static Rcpt refusedRcpt(int code, String enhanced, String text) {
        return new Rcpt.Refused(SmtpReply.of(code, enhanced, text));
    }
}
