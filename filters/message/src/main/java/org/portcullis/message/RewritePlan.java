package org.portcullis.message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.filter.ContentSource;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.MimePart;
import org.portcullis.filter.Mutation;

/**
 * The mutations of a chain sorted into what the rewriter does: header edits of the message in
 * order, a new body or new parts (a later replacement of a part or its ancestor wins), and the
 * envelope changes. Replacements that cannot be done are listed with the reason.
 */
record RewritePlan(List<Mutation> headerEdits, Optional<ContentSource> newBody, Map<String, Mutation.ReplacePart> parts,
                   EnvelopeChanges envelope, List<String> notApplied) {

    static RewritePlan of(MessageView message, List<Mutation> mutations) {
        List<Mutation> headerEdits = new ArrayList<>();
        List<Mutation> envelope = new ArrayList<>();
        List<String> notApplied = new ArrayList<>();
        Map<String, Mutation.ReplacePart> parts = new LinkedHashMap<>();
        Optional<ContentSource> newBody = Optional.empty();
        for (Mutation m : mutations) {
            switch (m) {
                case Mutation.AddHeader h -> headerEdits.add(h);
                case Mutation.InsertHeader h -> headerEdits.add(h);
                case Mutation.ChangeHeader h -> headerEdits.add(h);
                case Mutation.DeleteHeader h -> headerEdits.add(h);
                case Mutation.ReplaceBody body -> {
                    newBody = Optional.of(body.body());
                    parts.clear();
                }
                case Mutation.ReplacePart replace -> {
                    Optional<String> why = newBody.isPresent()
                            ? Optional.of("the whole body was replaced before")
                            : refusal(message, replace.part(), parts);
                    if (why.isPresent()) {
                        notApplied.add("replace part " + display(replace.part()) + ": " + why.get());
                    } else {
                        parts.keySet().removeIf(p -> PathTracker.isWithin(p, replace.part()));
                        parts.put(replace.part(), replace);
                    }
                }
                case Mutation.AddRecipient r -> envelope.add(r);
                case Mutation.RemoveRecipient r -> envelope.add(r);
                case Mutation.ChangeSender r -> envelope.add(r);
                case Mutation.Redirect r -> envelope.add(r);
            }
        }
        return new RewritePlan(List.copyOf(headerEdits), newBody, Map.copyOf(parts), new EnvelopeChanges(envelope),
                List.copyOf(notApplied));
    }

    boolean changesBytes() {
        return !headerEdits.isEmpty() || newBody.isPresent() || !parts.isEmpty();
    }

    /** Whether a replacement lies at or below {@code path}. */
    boolean replacesWithin(String path) {
        return parts.keySet().stream().anyMatch(p -> PathTracker.isWithin(p, path));
    }

    private static Optional<String> refusal(MessageView message, String path, Map<String, Mutation.ReplacePart> parts) {
        Optional<MimePart> part = message.parts().filter(p -> p.path().equals(path)).findFirst();
        if (part.isEmpty()) {
            return Optional.of("the message has no such part");
        }
        if (part.get() instanceof ParsedPart parsed && parsed.isUuencoded()) {
            return Optional.of("a uuencoded file is changed through the text part that holds it");
        }
        return parts.keySet().stream().filter(p -> !p.equals(path) && PathTracker.isWithin(path, p)).findFirst()
                .map(p -> "it lies inside part " + display(p) + ", which was replaced before");
    }

    private static String display(String path) {
        return path.isEmpty() ? "(the message)" : path;
    }
}
