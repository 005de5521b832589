package org.portcullis.message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.filter.Address;
import org.portcullis.filter.Mutation;

/**
 * The envelope mutations of a chain, in order, for the gateway to apply to the queued
 * envelope: the message bytes do not carry them.
 *
 * @param changes only {@link Mutation.AddRecipient}, {@link Mutation.RemoveRecipient},
 *                {@link Mutation.ChangeSender} and {@link Mutation.Redirect}
 */
public record EnvelopeChanges(List<Mutation> changes) {

    public static final EnvelopeChanges NONE = new EnvelopeChanges(List.of());

    public EnvelopeChanges {
        changes = List.copyOf(changes);
        for (Mutation m : changes) {
            if (!isEnvelopeChange(m)) {
                throw new IllegalArgumentException("not an envelope change: " + m);
            }
        }
    }

    static boolean isEnvelopeChange(Mutation m) {
        return m instanceof Mutation.AddRecipient || m instanceof Mutation.RemoveRecipient
                || m instanceof Mutation.ChangeSender || m instanceof Mutation.Redirect;
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The sender after the changes: the last {@link Mutation.ChangeSender}, or {@code original}. */
    public Address sender(Address original) {
        Address sender = original;
        for (Mutation m : changes) {
            if (m instanceof Mutation.ChangeSender change) {
                sender = change.address();
            }
        }
        return sender;
    }

    /**
     * The recipients after the changes, in order, each once: a redirect replaces all before it,
     * an addition appends (with its RCPT parameters, see {@link #parameters}), a removal removes.
     * Addresses compare with the domain case-insensitive.
     */
    public List<Address> recipients(List<Address> original) {
        Map<String, Address> out = new LinkedHashMap<>();
        original.forEach(a -> out.putIfAbsent(key(a), a));
        for (Mutation m : changes) {
            switch (m) {
                case Mutation.AddRecipient add -> out.putIfAbsent(key(add.address()), add.address());
                case Mutation.RemoveRecipient remove -> out.remove(key(remove.address()));
                case Mutation.Redirect redirect -> {
                    out.clear();
                    redirect.recipients().forEach(a -> out.putIfAbsent(key(a), a));
                }
                default -> {
                }
            }
        }
        return List.copyOf(new ArrayList<>(out.values()));
    }

    /** The RCPT parameters an {@link Mutation.AddRecipient} gave this address, if one added it. */
    public Optional<Map<String, String>> parameters(Address added) {
        Optional<Map<String, String>> found = Optional.empty();
        for (Mutation m : changes) {
            if (m instanceof Mutation.AddRecipient add && key(add.address()).equals(key(added))) {
                found = Optional.of(add.parameters());
            }
        }
        return found;
    }

    private static String key(Address a) {
        return a.localPart() + "@" + a.domainKey();
    }
}
