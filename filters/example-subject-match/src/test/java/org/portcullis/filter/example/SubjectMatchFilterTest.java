package org.portcullis.filter.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.filter.testkit.FilterHarness.config;
import static org.portcullis.filter.testkit.FilterHarness.corpus;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.portcullis.filter.FilterConfigException;
import org.portcullis.filter.FilterFactory;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Stage;
import org.portcullis.filter.testkit.FilterHarness;

class SubjectMatchFilterTest {

    @Test
    void flagsInvoiceSubjects() throws Exception {
        var result = FilterHarness.run(new SubjectMatchFilter(config("match: (?i)invoice")),
                                       corpus("invoice-phish.eml"));
        assertThat(result.findings()).extracting(Finding::name).containsExactly("subject.match");
    }

    @Test
    void reportsTheSubjectAtTheEndOfTheMessageAndProposesNothing() throws Exception {
        var result = FilterHarness.run(new SubjectMatchFilter(config("match: (?i)invoice")),
                                       corpus("invoice-phish.eml"));
        assertThat(result.findings()).singleElement().extracting(Finding::describe)
                .isEqualTo("Your Invoice #INV-20931 is overdue - action required");
        assertThat(result.stageOf("subject.match")).contains(Stage.END_OF_MESSAGE);
        assertThat(result.verdict()).isEmpty();
        assertThat(result.mutations()).isEmpty();
    }

    @Test
    void leavesCleanMailAlone() throws Exception {
        var result = FilterHarness.run(new SubjectMatchFilter(config("match: (?i)invoice")),
                                       corpus("clean-plain.eml"));
        assertThat(result.findings()).isEmpty();
    }

    @Test
    void matchesTheDecodedSubject() throws Exception {
        var result = FilterHarness.run(new SubjectMatchFilter(config("match: Grüße aus Köln")),
                                       corpus("charset-utf8.eml"));
        assertThat(result.findingNames()).containsExactly("subject.match");
    }

    @Test
    void refusesABadPatternAtLoadNamingTheSetting() {
        assertThatThrownBy(() -> new SubjectMatchFilter(config("match: (?i)invoice[")))
                .isInstanceOf(FilterConfigException.class)
                .hasMessageContaining("'match' is not a valid regular expression");
    }

    @Test
    void requiresAPattern() {
        assertThatThrownBy(() -> new SubjectMatchFilter(config("mtach: invoice")))
                .isInstanceOfSatisfying(FilterConfigException.class, e -> assertThat(e.key()).isEqualTo("match"));
    }

    @Test
    void isFoundByTheGatewayUnderItsType() throws Exception {
        FilterFactory factory = ServiceLoader.load(FilterFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.type().equals("subject-match")).findFirst().orElseThrow();
        var filter = FilterHarness.create(factory, "match: (?i)overdue");
        assertThat(FilterHarness.run(filter, corpus("invoice-phish.eml")).findingNames()).containsExactly("subject.match");
    }
}
