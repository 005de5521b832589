package org.portcullis.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.portcullis.filter.Finding;

/** Tests of what the filters found. */
sealed interface FindingCondition extends Condition {

    /** A finding of one of these names was reported ({@code finding: virus}). */
    record FindingExists(List<String> names) implements FindingCondition {
        public FindingExists {
            names = List.copyOf(names);
        }

        @Override
        public Outcome test(PolicyInput input) {
            return input.findings().filter(f -> names.contains(f.name())).findFirst()
                    .map(f -> Outcome.yes("found " + f.name() + " " + f.describe()))
                    .orElseGet(() -> Outcome.no("no finding named " + String.join(" or ", names)));
        }
    }

    /**
     * A finding of that name has a value that passes the test ({@code spam.score: { above: 5 }},
     * {@code finding.subject.match: { matches: invoice }}); with {@code exists: false}, there is
     * no finding of that name.
     *
     * @param key the condition as the rule says it
     */
    record FindingValue(String key, String name, ValueTest test) implements FindingCondition {
        public FindingValue {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(test, "test");
        }

        @Override
        public Outcome test(PolicyInput input) {
            List<Finding> found = input.findings(name).toList();
            if (test.absent()) {
                return found.isEmpty() ? Outcome.yes("there is no " + name + " finding")
                        : Outcome.no("there is a " + name + " finding: " + found.getFirst().describe());
            }
            if (found.isEmpty()) {
                return Outcome.no("there is no " + name + " finding");
            }
            for (Finding f : found) {
                if (test.test(Values.text(f), Values.number(f))) {
                    return Outcome.yes(key + " is " + Values.text(f) + ", " + test.describe());
                }
            }
            String seen = found.stream().map(Values::text).distinct().collect(Collectors.joining(", "));
            return Outcome.no(key + " is " + seen + ", not " + test.describe());
        }
    }

    /** A virus was found; with signatures, one whose signature is in the list. */
    record VirusIs(Optional<PatternList> signatures) implements FindingCondition {
        @Override
        public Outcome test(PolicyInput input) {
            List<Finding.Virus> viruses = input.findings().filter(f -> f instanceof Finding.Virus)
                    .map(f -> (Finding.Virus) f).toList();
            if (viruses.isEmpty()) {
                return Outcome.no("no virus was found");
            }
            for (Finding.Virus v : viruses) {
                if (signatures.isEmpty()) {
                    return Outcome.yes("virus " + v.describe() + " was found");
                }
                Optional<NamePattern> p = signatures.get().match(v.signature());
                if (p.isPresent()) {
                    return Outcome.yes("virus " + v.describe() + " was found, which matches " + p.get().source());
                }
            }
            return Outcome.no("the viruses found (" + viruses.stream().map(Finding.Virus::signature)
                    .collect(Collectors.joining(", ")) + ") match none of " + signatures.get().written());
        }
    }

    /** A data-loss rule matched; with rule names, one of those. */
    record DlpIs(Optional<PatternList> rules) implements FindingCondition {
        @Override
        public Outcome test(PolicyInput input) {
            List<Finding.DataMatch> matches = input.findings().filter(f -> f instanceof Finding.DataMatch)
                    .map(f -> (Finding.DataMatch) f).toList();
            if (matches.isEmpty()) {
                return Outcome.no("no data-loss rule matched");
            }
            for (Finding.DataMatch m : matches) {
                if (rules.isEmpty() || rules.get().matches(m.rule())) {
                    return Outcome.yes("data-loss rule " + m.describe() + " matched");
                }
            }
            return Outcome.no("the data-loss rules that matched (" + matches.stream().map(Finding.DataMatch::rule)
                    .distinct().collect(Collectors.joining(", ")) + ") are none of " + rules.get().written());
        }
    }

    /** An attachment passes the test; every attachment that does is named in the outcome. */
    record AttachmentIs(AttachmentTest test) implements FindingCondition {
        @Override
        public Outcome test(PolicyInput input) {
            List<Finding.ContentType> attachments = input.findings().filter(f -> f instanceof Finding.ContentType)
                    .map(f -> (Finding.ContentType) f).toList();
            if (attachments.isEmpty()) {
                return Outcome.no("no attachment was reported (no attachment.type finding)");
            }
            List<Finding.ContentType> passing = attachments.stream().filter(test::test).toList();
            if (passing.isEmpty()) {
                String seen = attachments.stream().limit(3).map(Finding.ContentType::describe)
                        .collect(Collectors.joining("; ")) + (attachments.size() > 3 ? "; …" : "");
                return Outcome.no("no attachment is " + test.describe() + " (seen: " + seen + ")");
            }
            String which = passing.stream().map(Finding.ContentType::describe).collect(Collectors.joining("; "));
            return new Outcome(true, "attachment " + which + " is " + test.describe(), passing);
        }

        @Override
        public boolean namesAttachments() {
            return true;
        }
    }
}
