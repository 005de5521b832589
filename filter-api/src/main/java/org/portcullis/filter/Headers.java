package org.portcullis.filter;

import java.util.List;
import java.util.Optional;

/** A header section, in order. Names compare case-insensitively. */
public interface Headers {

    /** Every field, in order. */
    List<Header> all();

    /** The decoded value of the first field of that name. */
    default Optional<String> first(String name) {
        return all().stream().filter(h -> h.is(name)).map(Header::value).findFirst();
    }

    /** The decoded values of every field of that name, in order. */
    default List<String> values(String name) {
        return all().stream().filter(h -> h.is(name)).map(Header::value).toList();
    }

    default boolean contains(String name) {
        return all().stream().anyMatch(h -> h.is(name));
    }

    static Headers of(List<Header> fields) {
        List<Header> copy = List.copyOf(fields);
        return () -> copy;
    }
}
