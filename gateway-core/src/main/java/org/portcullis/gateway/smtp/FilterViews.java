package org.portcullis.gateway.smtp;

import org.portcullis.filter.Address;
import org.portcullis.gateway.envelope.MailAddress;

/** The gateway's own envelope values as the filter API shows them. */
final class FilterViews {

    private FilterViews() {
    }

    static Address address(MailAddress address) {
        return address.isNullSender() ? Address.NULL : new Address(address.localPart(), address.domain());
    }
}
