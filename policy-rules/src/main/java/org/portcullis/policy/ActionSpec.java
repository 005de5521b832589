package org.portcullis.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.portcullis.filter.Address;
import org.portcullis.filter.Finding;

/** A rule's non-verdict action as written: what it becomes once its placeholders are filled in. */
sealed interface ActionSpec {

    /** The action, or empty when there is nothing to do (no attachment to strip). */
    Optional<Action> render(Template.Context context);

    record TagSubject(Template prefix) implements ActionSpec {
        @Override
        public Optional<Action> render(Template.Context context) {
            return Optional.of(new Action.TagSubject(prefix.render(context)));
        }
    }

    record AddHeader(String name, Template value) implements ActionSpec {
        @Override
        public Optional<Action> render(Template.Context context) {
            return Optional.of(new Action.AddHeader(name, value.render(context)));
        }
    }

    /** Takes out the attachments that made the rule match. */
    record StripAttachments(Template notice) implements ActionSpec {
        @Override
        public Optional<Action> render(Template.Context context) {
            List<String> parts = context.attachments().stream().map(Finding.ContentType::part).distinct().toList();
            return parts.isEmpty() ? Optional.empty()
                    : Optional.of(new Action.StripAttachments(parts, notice.render(context)));
        }
    }

    record AppendDisclaimer(Template text) implements ActionSpec {
        @Override
        public Optional<Action> render(Template.Context context) {
            return Optional.of(new Action.AppendDisclaimer(text.render(context)));
        }
    }

    /** @param line where the rule names the archive, for {@link Policy#requireKnownNames} */
    record CopyToArchive(String archive, int line) implements ActionSpec {
        @Override
        public Optional<Action> render(Template.Context context) {
            return Optional.of(new Action.CopyToArchive(archive));
        }
    }

    record Bcc(Address address) implements ActionSpec {
        public Bcc {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public Optional<Action> render(Template.Context context) {
            return Optional.of(new Action.Bcc(address));
        }
    }

    record Redirect(List<Address> recipients) implements ActionSpec {
        public Redirect {
            recipients = List.copyOf(recipients);
        }

        @Override
        public Optional<Action> render(Template.Context context) {
            return Optional.of(new Action.Redirect(recipients));
        }
    }

    /** @param line where the rule names the route, for {@link Policy#requireKnownNames} */
    record Route(String route, int line) implements ActionSpec {
        @Override
        public Optional<Action> render(Template.Context context) {
            return Optional.of(new Action.Route(route));
        }
    }
}
