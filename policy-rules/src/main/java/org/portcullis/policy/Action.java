package org.portcullis.policy;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.portcullis.filter.Address;

/**
 * A change to an accepted message that the policy decided on, besides its verdict. The core
 * turns these into mutations and delivery choices at the end of the message; none applies to a
 * message that is refused.
 */
public sealed interface Action {

    /** One line for logs and {@code policy explain}. */
    String describe();

    /** Puts {@code prefix} and a space before the Subject (adds a Subject when there is none). */
    record TagSubject(String prefix) implements Action {
        public TagSubject {
            Objects.requireNonNull(prefix, "prefix");
        }

        @Override
        public String describe() {
            return "tag the subject with \"" + prefix + "\"";
        }
    }

    /** Appends the header field {@code name: value}. */
    record AddHeader(String name, String value) implements Action {
        public AddHeader {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String describe() {
            return "add the header \"" + name + ": " + value + "\"";
        }
    }

    /**
     * Removes the attachments at these MIME part paths (as {@code attachment.type} findings name
     * them) and puts {@code notice} in their place.
     */
    record StripAttachments(List<String> parts, String notice) implements Action {
        public StripAttachments {
            parts = List.copyOf(parts);
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("strip at least one part");
            }
            Objects.requireNonNull(notice, "notice");
        }

        @Override
        public String describe() {
            return "strip the attachment" + (parts.size() == 1 ? " in part " : "s in parts ")
                    + String.join(", ", parts) + ", leaving the notice \"" + notice + "\"";
        }
    }

    /** Appends {@code text} to the message's text (the disclaimer filter's work). */
    record AppendDisclaimer(String text) implements Action {
        public AppendDisclaimer {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String describe() {
            String firstLine = text.lines().findFirst().orElse("");
            return "append the disclaimer \"" + firstLine + (text.contains("\n") ? " …" : "") + "\"";
        }
    }

    /** Keeps a copy in the archive of that name, as the gateway's configuration defines it. */
    record CopyToArchive(String archive) implements Action {
        public CopyToArchive {
            Objects.requireNonNull(archive, "archive");
        }

        @Override
        public String describe() {
            return "copy to the archive '" + archive + "'";
        }
    }

    /** Adds a hidden recipient. */
    record Bcc(Address address) implements Action {
        public Bcc {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String describe() {
            return "send a blind copy to " + address;
        }
    }

    /** Delivers to these recipients instead of the envelope's. */
    record Redirect(List<Address> recipients) implements Action {
        public Redirect {
            recipients = List.copyOf(recipients);
            if (recipients.isEmpty()) {
                throw new IllegalArgumentException("redirect to at least one address");
            }
        }

        @Override
        public String describe() {
            return "redirect to " + recipients.stream().map(Address::toString).collect(Collectors.joining(", "));
        }
    }

    /** Delivers over the route of that name, as the gateway's configuration defines it. */
    record Route(String route) implements Action {
        public Route {
            Objects.requireNonNull(route, "route");
        }

        @Override
        public String describe() {
            return "deliver over the route '" + route + "'";
        }
    }
}
