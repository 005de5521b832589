package org.portcullis.policy;

import java.util.Objects;
import org.portcullis.filter.Verdict;

/** A rule's verdict as written: what it becomes once its placeholders are filled in. */
sealed interface VerdictSpec {

    Verdict render(Template.Context context);

    /** The action word, as the rule says it. */
    String word();

    record Accept() implements VerdictSpec {
        @Override
        public Verdict render(Template.Context context) {
            return new Verdict.Accept();
        }

        @Override
        public String word() {
            return "accept";
        }
    }

    record Discard() implements VerdictSpec {
        @Override
        public Verdict render(Template.Context context) {
            return Verdict.discard();
        }

        @Override
        public String word() {
            return "discard";
        }
    }

    /** Checked at load: 5xx with a 5.x.y enhanced code. */
    record Reject(int code, String enhancedCode, Template text) implements VerdictSpec {
        public Reject {
            Objects.requireNonNull(enhancedCode, "enhancedCode");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Verdict render(Template.Context context) {
            return new Verdict.Reject(code, enhancedCode, text.render(context));
        }

        @Override
        public String word() {
            return "reject";
        }
    }

    /** Checked at load: 4xx with a 4.x.y enhanced code. */
    record Tempfail(int code, String enhancedCode, Template text) implements VerdictSpec {
        public Tempfail {
            Objects.requireNonNull(enhancedCode, "enhancedCode");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Verdict render(Template.Context context) {
            return new Verdict.Tempfail(code, enhancedCode, text.render(context));
        }

        @Override
        public String word() {
            return "tempfail";
        }
    }

    record Quarantine(Template reason) implements VerdictSpec {
        public Quarantine {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Verdict render(Template.Context context) {
            return Verdict.quarantine(reason.render(context));
        }

        @Override
        public String word() {
            return "quarantine";
        }
    }
}
