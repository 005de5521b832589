package org.portcullis.gateway.milter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.portcullis.filter.Address;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.StageResult;
import org.portcullis.filter.Verdict;
import org.portcullis.gateway.milter.MilterResponse.Decision;
import org.portcullis.gateway.milter.MilterResponse.Modification;

/**
 * Says in the filter API's words what a milter answered: decisions become verdicts, modifications
 * mutations, in the order they arrived; refusals and quarantines are also reported as a finding
 * {@code milter.<name>}, and a virus named in an {@code X-Virus-Status} header (clamav-milter's)
 * as {@link Finding.Virus}.
 */
final class ReplyTranslator {

    // Postfix's texts for a bare 'r' and 't'.
    static final String REJECT_TEXT = "Command rejected";
    static final String TEMPFAIL_TEXT = "Service unavailable - try again later";
    static final String CONNECTION_FAILURE_TEXT = "Service unavailable - closing connection";

    private static final Pattern INFECTED = Pattern.compile("(?i)\\s*infected\\s*\\((.+)\\)\\s*");

    private final String findingName;

    ReplyTranslator(String milterName) {
        this.findingName = "milter." + milterName;
    }

    /** The verdict for a decision, with a finding for anything but continue and accept. */
    StageResult decision(Decision decision) {
        return switch (decision) {
            case MilterResponse.Continue c -> StageResult.proceed();
            case MilterResponse.Skip s -> StageResult.proceed();
            case MilterResponse.Accept a -> StageResult.verdict(new Verdict.Accept());
            case MilterResponse.Reject r -> refusal(new Verdict.Reject(550, "5.7.1", REJECT_TEXT));
            case MilterResponse.Tempfail t -> refusal(new Verdict.Tempfail(451, "4.7.1", TEMPFAIL_TEXT));
            case MilterResponse.ReplyCode y -> refusal(verdict(y));
            case MilterResponse.Discard d -> StageResult.finding(Finding.of(findingName, "discard"))
                    .withVerdict(Verdict.discard());
            case MilterResponse.ConnectionFailure f ->
                    refusal(new Verdict.Tempfail(421, "4.7.0", CONNECTION_FAILURE_TEXT));
        };
    }

    /**
     * The end of the message: modifications then the decision. A refusal drops the changes (as
     * Postfix does: there is no message left to change); a quarantine request is a verdict.
     */
    StageResult endOfMessage(List<Modification> modifications, Decision decision, boolean leadingSpace,
                             BodyReplacement body) throws MilterProtocolException, IOException {
        List<Mutation> mutations = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        Optional<String> quarantine = Optional.empty();
        int bodyAt = -1;
        for (Modification m : modifications) {
            try {
                switch (m) {
                    case MilterResponse.AddHeader h -> {
                        String value = headerValue(h.value(), leadingSpace);
                        mutations.add(new Mutation.AddHeader(h.name(), value));
                        virus(h.name(), value).ifPresent(findings::add);
                    }
                    case MilterResponse.InsertHeader h -> {
                        String value = headerValue(h.value(), leadingSpace);
                        mutations.add(new Mutation.InsertHeader(h.index(), h.name(), value));
                        virus(h.name(), value).ifPresent(findings::add);
                    }
                    case MilterResponse.ChangeHeader h -> {
                        // libmilter: index 0 means the same as 1.
                        int occurrence = Math.max(1, h.index());
                        String value = headerValue(h.value(), leadingSpace);
                        if (value.isBlank()) {
                            mutations.add(new Mutation.DeleteHeader(h.name(), occurrence));
                        } else {
                            mutations.add(new Mutation.ChangeHeader(h.name(), occurrence, value));
                            virus(h.name(), value).ifPresent(findings::add);
                        }
                    }
                    case MilterResponse.ReplaceBody b -> {
                        if (bodyAt < 0) {
                            bodyAt = mutations.size();
                        }
                        body.append(b);
                    }
                    case MilterResponse.AddRecipient r -> mutations.add(new Mutation.AddRecipient(address(r.recipient()),
                            r.parameters().map(ReplyTranslator::parameters).orElse(Map.of())));
                    case MilterResponse.DeleteRecipient r -> mutations.add(new Mutation.RemoveRecipient(address(r.recipient())));
                    case MilterResponse.ChangeSender e -> mutations.add(new Mutation.ChangeSender(address(e.sender())));
                    case MilterResponse.Quarantine q -> quarantine = Optional.of(q.reason());
                }
            } catch (IllegalArgumentException e) {
                throw new MilterProtocolException("unusable '" + m.label() + "': " + e.getMessage());
            }
        }
        if (bodyAt >= 0) {
            mutations.add(bodyAt, new Mutation.ReplaceBody(body.finish()));
        }
        StageResult result = decision(decision);
        boolean refused = result.verdict().map(v -> v instanceof Verdict.Reject || v instanceof Verdict.Tempfail
                || v instanceof Verdict.Discard).orElse(false);
        if (quarantine.isPresent() && !refused) {
            findings.add(Finding.of(findingName, "quarantine: " + quarantine.get()));
            result = result.withVerdict(Verdict.quarantine(quarantine.get()));
        }
        for (Finding f : findings) {
            result = result.withFinding(f);
        }
        if (!refused) {
            for (Mutation mutation : mutations) {
                result = result.withMutation(mutation);
            }
        }
        return result;
    }

    /** The milter's ESMTP arguments ({@code NOTIFY=NEVER ORCPT=…}) as keyword (upper case) to value. */
    static Map<String, String> parameters(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String arg : text.strip().split("\\s+")) {
            if (arg.isEmpty()) {
                continue;
            }
            int eq = arg.indexOf('=');
            out.put((eq < 0 ? arg : arg.substring(0, eq)).toUpperCase(Locale.ROOT), eq < 0 ? "" : arg.substring(eq + 1));
        }
        return out;
    }

    /**
     * A header value from a milter as the filter API wants it: its folds kept as CRLF and the
     * white space after them (a signature may cover the folded form), stray line breaks made
     * spaces, and without the one leading space a milter includes when HDR_LEADSPC was agreed
     * (the gateway writes {@code name: value}).
     */
    static String headerValue(String value, boolean leadingSpace) {
        String v = value.replaceAll("\r?\n(?=[ \t])", "\r\n").replaceAll("\r(?!\n)|(?<!\r)\n", " ");
        if (leadingSpace && v.startsWith(" ")) {
            v = v.substring(1);
        }
        return v;
    }

    private StageResult refusal(Verdict verdict) {
        String reply = switch (verdict) {
            case Verdict.Reject r -> "reject: " + r.code() + " " + r.enhancedCode() + " " + r.text();
            case Verdict.Tempfail t -> "tempfail: " + t.code() + " " + t.enhancedCode() + " " + t.text();
            default -> verdict.toString();
        };
        return StageResult.finding(Finding.of(findingName, reply)).withVerdict(verdict);
    }

    private static Verdict verdict(MilterResponse.ReplyCode y) {
        String text = y.text().isEmpty() ? (y.permanent() ? REJECT_TEXT : TEMPFAIL_TEXT) : y.text();
        if (y.permanent()) {
            return new Verdict.Reject(y.code(), y.enhancedCode().isEmpty() ? "5.7.1" : y.enhancedCode(), text);
        }
        return new Verdict.Tempfail(y.code(), y.enhancedCode().isEmpty() ? "4.7.1" : y.enhancedCode(), text);
    }

    private static Address address(String text) {
        return Address.parse(text);
    }

    private static Optional<Finding> virus(String name, String value) {
        if (!name.equalsIgnoreCase("X-Virus-Status")) {
            return Optional.empty();
        }
        Matcher m = INFECTED.matcher(value);
        return m.matches() ? Optional.of(new Finding.Virus(m.group(1).strip(), "")) : Optional.empty();
    }
}
