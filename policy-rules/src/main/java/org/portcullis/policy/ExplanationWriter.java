package org.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Header;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;

/**
 * Writes an {@link Explanation}. Rules after the deciding one were not tried; they are tried
 * here all the same, for information only, because "it would have matched, but an earlier rule
 * decided" is the usual answer to "why did my rule not fire?".
 */
final class ExplanationWriter {

    private static final String INDENT = "     ";

    private ExplanationWriter() {
    }

    static Explanation write(String source, List<Rule> rules, PolicyInput input, Decision decision) {
        List<String> out = new ArrayList<>();
        out.add("Policy " + source + " (" + rules.size() + (rules.size() == 1 ? " rule" : " rules") + "), stage "
                + input.stage() + input.direction().map(d -> ", " + Rule.words(d) + " mail").orElse(""));
        describeInput(input, out);
        out.add("");
        describeReports(input, out);
        out.add("");
        describeRules(rules, input, decision, out);
        out.add("");
        describeOutcome(decision, out);
        return new Explanation(decision, out);
    }

    private static void describeInput(PolicyInput input, List<String> out) {
        Connection c = input.connection();
        out.add("Client: " + c.address().getHostAddress() + c.reverseName().map(n -> " (" + n + ")").orElse("")
                + c.helo().map(h -> ", HELO " + h).orElse("")
                + ", " + c.tls().map(t -> "TLS on (" + t + ")").orElse("TLS off")
                + ", " + c.authUser().map(u -> "authenticated as " + u).orElse("not authenticated")
                + (c.trusted() ? ", trusted" : ", not trusted"));
        Optional<Envelope> envelope = input.envelopeIfAny();
        if (envelope.isEmpty()) {
            out.add("Envelope: none yet at " + input.stage());
        } else {
            Envelope e = envelope.get();
            List<Recipient> to = input.stage() == Stage.RCPT_TO ? input.recipientsInScope() : e.recipients();
            out.add("Envelope: queue id " + e.queueId() + ", from " + (e.sender().isNull() ? "<>" : e.sender())
                    + (to.isEmpty() ? "" : ", to " + to.stream().map(r -> r.address().toString())
                    .collect(Collectors.joining(", ")))
                    + (input.stage() == Stage.RCPT_TO ? " (the recipient being given)" : ""));
        }
        if (input.size() >= 0 || input.headers().isPresent()) {
            String subject = input.headers().flatMap(h -> h.all().stream().filter(f -> f.is("Subject"))
                    .map(Header::value).findFirst()).map(s -> "Subject " + Values.quote(s)).orElse("no Subject");
            out.add("Message: " + (input.size() >= 0 ? input.size() + " bytes, " : "") + subject);
        }
    }

    private static void describeReports(PolicyInput input, List<String> out) {
        if (input.reports().isEmpty()) {
            out.add("What the filters reported: nothing (no filter ran at this stage)");
            return;
        }
        out.add("What the filters reported:");
        for (Report r : input.reports()) {
            if (r.findings().isEmpty()) {
                out.add("  " + r.filter() + ": nothing found");
            }
            for (int i = 0; i < r.findings().size(); i++) {
                Finding f = r.findings().get(i);
                out.add((i == 0 ? "  " + r.filter() + ": " : "  " + " ".repeat(r.filter().length() + 2))
                        + f.name() + " " + f.describe());
            }
            r.proposed().ifPresent(v -> out.add("  " + " ".repeat(r.filter().length() + 2) + "proposes "
                    + VerdictText.of(v)));
        }
    }

    private static void describeRules(List<Rule> rules, PolicyInput input, Decision decision, List<String> out) {
        if (rules.isEmpty()) {
            out.add("Rules: none (an empty policy: the filters' proposals stand)");
            return;
        }
        out.add("The rules, in the order they are tried (lower priority first, then file order):");
        String decider = decision.trace().stream().filter(s -> s instanceof Step.Matched m && m.ends())
                .map(s -> ((Step.Matched) s).rule()).findFirst().orElse(null);
        int n = 1;
        for (Rule rule : rules) {
            out.add(String.format("%3d. %s (line %d, priority %d%s)", n++, rule.name(), rule.line(), rule.priority(),
                    rule.stage() == Stage.END_OF_MESSAGE ? "" : ", stage " + rule.stage()));
            Optional<Step> step = decision.trace().stream().filter(s -> ruleOf(s).equals(rule.name())).findFirst();
            if (step.isPresent()) {
                describeStep(step.get(), out);
            } else {
                out.add(INDENT + "not reached: rule '" + decider + "' decided first" + wouldHave(rule, input));
            }
        }
    }

    private static void describeStep(Step step, List<String> out) {
        switch (step) {
            case Step.Skipped s -> out.add(INDENT + "skipped: " + s.reason());
            case Step.NotMatched m -> out.add(INDENT + "no match: " + m.reason());
            case Step.Matched m -> {
                out.add(INDENT + "MATCHED: " + m.reason());
                m.verdict().ifPresent(v -> out.add(INDENT + "verdict: " + VerdictText.of(v)
                        + (m.ends() ? " (this rule decides)" : " (continue: true, so later rules are tried too)")));
                m.actions().forEach(a -> out.add(INDENT + "action: " + a.describe()));
            }
            case Step.ProposalStands p -> out.add(INDENT + p.describe());
            case Step.NoVerdict v -> out.add(INDENT + v.describe());
            case Step.Note note -> out.add(INDENT + note.text());
        }
    }

    private static String wouldHave(Rule rule, PolicyInput input) {
        Optional<String> notFor = rule.notFor(input);
        if (notFor.isPresent()) {
            return " (and it does not apply here anyway: " + notFor.get() + ")";
        }
        Outcome o = rule.when().test(input);
        return o.holds() ? " (it would have matched: " + o.why() + ")"
                : " (it would not have matched anyway: " + o.why() + ")";
    }

    private static void describeOutcome(Decision decision, List<String> out) {
        String verdict = "Verdict: " + VerdictText.of(decision.verdict());
        Optional<String> rule = decision.decidingRule();
        if (rule.isPresent()) {
            out.add(verdict + " — decided by rule '" + rule.get() + "'");
        } else {
            decision.trace().stream()
                    .filter(s -> s instanceof Step.ProposalStands || s instanceof Step.NoVerdict)
                    .findFirst().ifPresent(s -> out.add(verdict + " — " + s.describe()));
        }
        decision.trace().stream().filter(s -> s instanceof Step.Note)
                .forEach(s -> out.add("Note: " + s.describe()));
        if (decision.actions().isEmpty()) {
            out.add("Actions: none");
        } else {
            out.add("Actions:");
            decision.actions().forEach(a -> out.add("  - " + a.describe()));
        }
    }

    private static String ruleOf(Step step) {
        return switch (step) {
            case Step.Skipped s -> s.rule();
            case Step.NotMatched m -> m.rule();
            case Step.Matched m -> m.rule();
            case Step.ProposalStands p -> "";
            case Step.NoVerdict v -> "";
            case Step.Note n -> "";
        };
    }
}
