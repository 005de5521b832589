package org.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.portcullis.filter.Verdict;

/**
 * Runs the rules in order over one input. A rule's verdict ends the evaluation unless the rule
 * says {@code continue: true}, in which case a later rule's verdict replaces it; actions gather
 * from every matching rule. Without a verdict from a rule, the strictest proposal stands.
 */
final class Evaluator {

    private final List<Rule> rules;

    Evaluator(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    Decision decide(PolicyInput input) {
        List<Step> trace = new ArrayList<>();
        Actions actions = new Actions(trace);
        Verdict verdict = null;
        for (Rule rule : rules) {
            Optional<String> notFor = rule.notFor(input);
            if (notFor.isPresent()) {
                trace.add(new Step.Skipped(rule.name(), rule.line(), notFor.get()));
                continue;
            }
            Outcome outcome = rule.when().test(input);
            if (!outcome.holds()) {
                trace.add(new Step.NotMatched(rule.name(), rule.line(), outcome.why()));
                continue;
            }
            Template.Context context = new Template.Context(input, rule.name(), outcome.attachments());
            Optional<Verdict> given = rule.verdict().map(v -> v.render(context));
            List<Action> added = new ArrayList<>();
            for (ActionSpec spec : rule.actions()) {
                Optional<Action> action = spec.render(context);
                if (action.isEmpty()) {
                    trace.add(new Step.Note("rule '" + rule.name() + "' has no attachment to strip: it matched "
                            + "without naming one"));
                }
                action.ifPresent(added::add);
            }
            boolean ends = given.isPresent() && !rule.continues();
            trace.add(new Step.Matched(rule.name(), rule.line(), outcome.why(), given, added, ends));
            added.forEach(a -> actions.add(rule.name(), a));
            if (given.isPresent()) {
                verdict = given.get();
                if (ends) {
                    break;
                }
            }
        }
        if (verdict == null) {
            verdict = fallback(input, trace);
        } else {
            noteOverriddenProposals(input, verdict, trace);
        }
        List<Action> kept = actions.list();
        if (VerdictText.refuses(verdict) && !kept.isEmpty()) {
            trace.add(new Step.Note("the verdict refuses, so these actions do not apply: "
                    + kept.stream().map(Action::describe).collect(Collectors.joining("; "))));
            kept = List.of();
        }
        return new Decision(verdict, kept, trace);
    }

    private static Verdict fallback(PolicyInput input, List<Step> trace) {
        Report strictest = null;
        for (Report r : input.reports()) {
            if (r.proposed().isPresent() && Verdict.severity(r.proposed().get()) > 0
                    && (strictest == null
                    || Verdict.severity(r.proposed().get()) > Verdict.severity(strictest.proposed().get()))) {
                strictest = r;
            }
        }
        if (strictest == null) {
            trace.add(new Step.NoVerdict());
            return new Verdict.Continue();
        }
        trace.add(new Step.ProposalStands(strictest.filter(), strictest.proposed().get()));
        return strictest.proposed().get();
    }

    private static void noteOverriddenProposals(PolicyInput input, Verdict verdict, List<Step> trace) {
        for (Report r : input.reports()) {
            r.proposed().filter(p -> Verdict.severity(p) > 0 && !p.equals(verdict)).ifPresent(p -> trace.add(
                    new Step.Note("filter " + r.filter() + " proposed " + VerdictText.of(p)
                            + "; the policy's verdict replaces it")));
        }
    }

    /**
     * The actions so far: the same action twice is done once, and where only one can be done
     * (route, redirect) the first rule's stands.
     */
    private static final class Actions {
        private final List<Action> list = new ArrayList<>();
        private final List<String> sources = new ArrayList<>();
        private final List<Step> trace;

        Actions(List<Step> trace) {
            this.trace = trace;
        }

        void add(String rule, Action action) {
            if (list.contains(action)) {
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                Action earlier = list.get(i);
                if (onlyOne(action) && earlier.getClass() == action.getClass()) {
                    trace.add(new Step.Note("rule '" + rule + "' would " + action.describe() + ", but rule '"
                            + sources.get(i) + "' already chose to " + earlier.describe() + "; the first stands"));
                    return;
                }
            }
            list.add(action);
            sources.add(rule);
        }

        private static boolean onlyOne(Action action) {
            return switch (action) {
                case Action.Route r -> true;
                case Action.Redirect r -> true;
                case Action.TagSubject t -> false;
                case Action.AddHeader h -> false;
                case Action.StripAttachments s -> false;
                case Action.AppendDisclaimer d -> false;
                case Action.CopyToArchive c -> false;
                case Action.Bcc b -> false;
            };
        }

        List<Action> list() {
            return List.copyOf(list);
        }
    }
}
