package org.portcullis.policy;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.portcullis.filter.Address;
import org.portcullis.filter.Recipient;

/** Tests of the envelope: who the message is from and for. */
sealed interface EnvelopeCondition extends Condition {

    /**
     * The MAIL FROM address is in the list.
     *
     * @param key {@code sender} or {@code sender.domain}, as the rule says it
     */
    record SenderIs(String key, AddressList list) implements EnvelopeCondition {
        @Override
        public Outcome test(PolicyInput input) {
            if (input.envelope() == null) {
                return Outcome.no("there is no sender yet at " + input.stage());
            }
            Address sender = input.envelope().sender();
            String shown = shown(key, sender);
            return list.match(sender)
                    .map(p -> Outcome.yes(key + " " + shown + " matches " + p.source()))
                    .orElseGet(() -> Outcome.no(key + " " + shown + " matches none of " + list.written()));
        }
    }

    /**
     * A recipient is in the list: at RCPT_TO the one being given, later any of the envelope's.
     *
     * @param key {@code recipient} or {@code recipient.domain}, as the rule says it
     */
    record RecipientIs(String key, AddressList list) implements EnvelopeCondition {
        @Override
        public Outcome test(PolicyInput input) {
            List<Recipient> recipients = input.recipientsInScope();
            if (recipients.isEmpty()) {
                return Outcome.no("there are no recipients yet at " + input.stage());
            }
            for (Recipient r : recipients) {
                Optional<AddressPattern> p = list.match(r.address());
                if (p.isPresent()) {
                    return Outcome.yes(key + " " + shown(key, r.address()) + " matches " + p.get().source());
                }
            }
            String seen = recipients.stream().limit(3).map(r -> r.address().toString())
                    .collect(Collectors.joining(", ")) + (recipients.size() > 3 ? ", …" : "");
            return Outcome.no("no " + key + " matches " + list.written() + " (recipients: " + seen + ")");
        }
    }

    /** The address, or its domain for a {@code .domain} key, as the trace shows it. */
    private static String shown(String key, Address address) {
        if (address.isNull()) {
            return "<> (the null sender)";
        }
        return key.endsWith(".domain") ? address.domain() : address.toString();
    }
}
