package org.portcullis.message;

import java.util.Optional;
import org.apache.james.mime4j.util.MimeUtil;
import org.portcullis.filter.Header;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Mutation;

/** The policy action "tag the subject": a prefix such as {@code [SPAM]} before the Subject. */
public final class SubjectTag {

    private SubjectTag() {
    }

    /**
     * The mutation that puts {@code prefix} and a space before the subject, or none when the
     * subject already starts with it. An ASCII subject keeps its encoded words exactly as they
     * were; otherwise the rewriter encodes the new value afresh.
     */
    public static Optional<Mutation> tag(MessageView message, String prefix) {
        String tag = prefix.strip();
        if (tag.isEmpty()) {
            throw new IllegalArgumentException("a subject tag must not be blank");
        }
        Optional<Header> subject = message.headers().all().stream().filter(h -> h.is("Subject")).findFirst();
        if (subject.isEmpty()) {
            return Optional.of(new Mutation.AddHeader("Subject", tag));
        }
        if (subject.get().value().startsWith(tag)) {
            return Optional.empty();
        }
        String raw = MimeUtil.unfold(subject.get().raw()).strip();
        boolean keepRaw = HeaderEncoding.isAscii(tag) && HeaderEncoding.isAscii(raw);
        String value = tag + " " + (keepRaw ? raw : subject.get().value());
        return Optional.of(new Mutation.ChangeHeader("Subject", 1, value.strip()));
    }
}
