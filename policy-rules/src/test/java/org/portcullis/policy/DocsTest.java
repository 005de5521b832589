package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every whole policy shown in docs/policy.md loads, so the documentation cannot drift from the language. */
class DocsTest {

    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyPolicyInTheDocumentationLoads() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "policy.md"));
        List<String> policies = new ArrayList<>();
        Matcher m = YAML_BLOCK.matcher(doc);
        while (m.find()) {
            if (m.group(1).startsWith("rules:") || m.group(1).startsWith("groups:")) {
                policies.add(m.group(1));
            }
        }
        assertThat(policies).hasSizeGreaterThanOrEqualTo(2);
        for (String yaml : policies) {
            String withRules = yaml.contains("\nrules:") || yaml.startsWith("rules:") ? yaml : yaml + "rules: []\n";
            try {
                Policy.parse("docs/policy.md", new StringReader(withRules));
            } catch (PolicyException e) {
                throw new AssertionError(e.getMessage() + "\n" + yaml, e);
            }
        }
    }
}
