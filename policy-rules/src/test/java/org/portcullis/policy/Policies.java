package org.portcullis.policy;

import java.io.StringReader;

/** Policies written inline in tests. */
final class Policies {

    private Policies() {
    }

    static Policy parse(String yaml) {
        try {
            return Policy.parse("policy.yaml", new StringReader(yaml));
        } catch (PolicyException e) {
            throw new AssertionError("the test's policy does not load: " + e.getMessage(), e);
        }
    }

    /** One rule that accepts when {@code when} holds, at END_OF_MESSAGE unless {@code extra} says otherwise. */
    static Policy acceptWhen(String when, String... extra) {
        StringBuilder yaml = new StringBuilder("rules:\n  - name: the rule\n    when: " + when + "\n");
        for (String line : extra) {
            yaml.append("    ").append(line).append('\n');
        }
        yaml.append("    then: accept\n");
        return parse(yaml.toString());
    }
}
