package org.portcullis.policy;

import org.portcullis.filter.Stage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A site's policy: rules, checked at load, that turn what the filters found into the verdict
 * and the actions for a connection, a recipient or a message. Immutable and thread-safe: one
 * instance serves every session, and a reload makes a new one.
 *
 * <pre>{@code
 * Policy policy = Policy.load(Path.of("/etc/portcullis/policy.yaml"));
 * Decision d = policy.decide(PolicyInput.atEndOfMessage(envelope, headers, size, reports));
 * }</pre>
 *
 * The language is described in {@code docs/policy.md}.
 */
public final class Policy {

    /** Where the default policy, {@code config/policy.yaml}, is packed into the jar. */
    public static final String DEFAULT_RESOURCE = "/org/portcullis/policy/policy.yaml";

    private final String source;
    private final List<Rule> rules;
    private final Evaluator evaluator;

    private Policy(String source, List<Rule> rules) {
        this.source = source;
        this.rules = List.copyOf(rules);
        this.evaluator = new Evaluator(rules);
    }

    /** Reads and checks a policy file; errors name the file as given and the line. */
    public static Policy load(Path file) throws PolicyException {
        if (!Files.isRegularFile(file)) {
            throw new PolicyException(file.toString(), 0, "there is no such policy file");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file.toString(), reader);
        } catch (IOException e) {
            throw new PolicyException(file.toString(), 0, "cannot read the policy file: " + e.getMessage());
        }
    }

    /** Reads and checks a policy; {@code name} is what errors call it, e.g. the file name. */
    public static Policy parse(String name, Reader reader) throws PolicyException {
        return new Policy(name, PolicyParser.parse(name, reader));
    }

    /** A policy without rules: the strictest proposal of the filters stands, else continue. */
    public static Policy empty() {
        return new Policy("(no policy)", List.of());
    }

    /** The default policy shipped as {@code config/policy.yaml}, from the jar. */
    public static Policy defaultPolicy() {
        try (InputStream in = Policy.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the default policy is missing from the build");
            }
            return parse("(default) config/policy.yaml", new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the default policy", e);
        } catch (PolicyException e) {
            throw new IllegalStateException("the default policy does not load: " + e.getMessage(), e);
        }
    }

    /** Decides one stage: the verdict, the actions, and the trace of how. */
    public Decision decide(PolicyInput input) {
        return evaluator.decide(input);
    }

    /** Decides, and tells an admin in words how the decision came about. */
    public Explanation explain(PolicyInput input) {
        return ExplanationWriter.write(source, rules, input, decide(input));
    }

    /** Where the policy came from, as errors and explanations name it. */
    public String source() {
        return source;
    }

    /**
     * Whether a rule for the headers or the end of the message could match a message no filter
     * reported on (it tests the size, a header, the envelope, the client, or a {@code mime.*}
     * finding the gateway makes itself). When none can, a gateway without filters for the
     * message's direction does not read the message for the policy at all.
     */
    public boolean readsMessagesWithoutFindings() {
        return rules.stream().anyMatch(r -> (r.stage() == Stage.HEADERS || r.stage() == Stage.END_OF_MESSAGE)
                && r.when().mayHoldWithoutFilterFindings());
    }

    /**
     * Whether a rule for the headers or the end of the message tests a {@code mime.*} finding
     * (what the gateway notices when it parses a message). When none does, a message that no
     * filter needs parsed is not parsed for the policy.
     */
    public boolean readsParseFindings() {
        return rules.stream().anyMatch(r -> (r.stage() == Stage.HEADERS || r.stage() == Stage.END_OF_MESSAGE)
                && r.when().testsParseFindings());
    }

    /** The rules' names in the order they are tried. */
    public List<String> ruleNames() {
        return rules.stream().map(Rule::name).toList();
    }

    /**
     * Checks that every route and archive the rules name is one the gateway's configuration
     * defines; the policy cannot know them by itself.
     *
     * @throws PolicyException naming the first unknown one and its line
     */
    public void requireKnownNames(Set<String> routes, Set<String> archives) throws PolicyException {
        for (Rule rule : rules) {
            for (ActionSpec action : rule.actions()) {
                if (action instanceof ActionSpec.Route r && !routes.contains(r.route())) {
                    throw new PolicyException(source, r.line(), unknownName("route", r.route(), routes));
                }
                if (action instanceof ActionSpec.CopyToArchive a && !archives.contains(a.archive())) {
                    throw new PolicyException(source, a.line(), unknownName("archive", a.archive(), archives));
                }
            }
        }
    }

    private static String unknownName(String kind, String name, Set<String> known) {
        return "the gateway's configuration defines no " + kind + " '" + name + "'"
                + (known.isEmpty() ? " (it defines none)" : "; it defines " + String.join(", ", new TreeSet<>(known)));
    }

    @Override
    public String toString() {
        return "Policy[" + source + ", " + rules.size() + " rules]";
    }
}
