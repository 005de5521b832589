package org.portcullis.policy;

import java.util.List;
import java.util.stream.Collectors;
import org.portcullis.filter.Finding;

/**
 * A test of one attachment, as an {@code attachment.type} finding describes it: its detected
 * type, its declared type, its file name, whether it is disguised. Tests in one
 * {@code attachment:} section must all hold for the same attachment.
 */
sealed interface AttachmentTest {

    boolean test(Finding.ContentType attachment);

    /** Words that finish "an attachment …", e.g. {@code of type application/x-*}. */
    String describe();

    record TypeIn(PatternList types) implements AttachmentTest {
        @Override
        public boolean test(Finding.ContentType attachment) {
            return types.matches(Values.baseType(attachment.detected()));
        }

        @Override
        public String describe() {
            return "of type " + types.written();
        }
    }

    record DeclaredIn(PatternList types) implements AttachmentTest {
        @Override
        public boolean test(Finding.ContentType attachment) {
            return types.matches(Values.baseType(attachment.declared()));
        }

        @Override
        public String describe() {
            return "declared as " + types.written();
        }
    }

    record NameIn(PatternList names) implements AttachmentTest {
        @Override
        public boolean test(Finding.ContentType attachment) {
            return names.matches(attachment.filename());
        }

        @Override
        public String describe() {
            return "named " + names.written();
        }
    }

    /**
     * The declared type is a real claim (not empty, not the "unknown" type
     * {@code application/octet-stream} that mail clients give to anything) and differs from
     * what the bytes show.
     */
    record Disguised(boolean disguised) implements AttachmentTest {
        @Override
        public boolean test(Finding.ContentType attachment) {
            String declared = Values.baseType(attachment.declared());
            boolean claims = !declared.isEmpty() && !declared.equals("application/octet-stream");
            boolean is = claims && !declared.equals(Values.baseType(attachment.detected()));
            return is == disguised;
        }

        @Override
        public String describe() {
            return disguised ? "disguised (declared as something it is not)" : "not disguised";
        }
    }

    record All(List<AttachmentTest> tests) implements AttachmentTest {
        public All {
            tests = List.copyOf(tests);
        }

        @Override
        public boolean test(Finding.ContentType attachment) {
            return tests.stream().allMatch(t -> t.test(attachment));
        }

        @Override
        public String describe() {
            return tests.stream().map(AttachmentTest::describe).collect(Collectors.joining(" and "));
        }
    }

    record Any(List<AttachmentTest> tests) implements AttachmentTest {
        public Any {
            tests = List.copyOf(tests);
        }

        @Override
        public boolean test(Finding.ContentType attachment) {
            return tests.stream().anyMatch(t -> t.test(attachment));
        }

        @Override
        public String describe() {
            return "(" + tests.stream().map(AttachmentTest::describe).collect(Collectors.joining(" or ")) + ")";
        }
    }

    record Not(AttachmentTest test) implements AttachmentTest {
        @Override
        public boolean test(Finding.ContentType attachment) {
            return !test.test(attachment);
        }

        @Override
        public String describe() {
            return "not " + test.describe();
        }
    }
}
