package org.portcullis.policy;

import java.util.List;
import java.util.Optional;
import org.portcullis.filter.Address;

/** The address patterns of one condition, with the list as the admin wrote it. */
record AddressList(List<AddressPattern> patterns, String written) {

    AddressList {
        patterns = List.copyOf(patterns);
    }

    Optional<AddressPattern> match(Address address) {
        return patterns.stream().filter(p -> p.matches(address)).findFirst();
    }
}
