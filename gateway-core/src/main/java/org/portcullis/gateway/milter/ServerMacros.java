package org.portcullis.gateway.milter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The macro values an MTA told the milter server, kept by the command they came with. A value
 * sent with a later command wins; the message's macros go with its transaction, the
 * connection's stay. Macros no one asked for are kept like the others (Postfix sends its
 * defaults unless told otherwise). Names compare with or without braces: {@code {client_addr}}
 * and {@code client_addr} are the same macro.
 */
final class ServerMacros {

    /** The commands whose macros belong to a transaction, latest first. */
    private static final List<Character> MESSAGE = List.of(MilterProtocol.END_OF_MESSAGE, MilterProtocol.END_OF_HEADERS,
            MilterProtocol.HEADER, MilterProtocol.BODY, MilterProtocol.DATA, MilterProtocol.RCPT, MilterProtocol.MAIL);
    private static final List<Character> CONNECTION = List.of(MilterProtocol.UNKNOWN, MilterProtocol.HELO,
            MilterProtocol.CONNECT);

    private final Map<Character, Map<String, String>> byCommand = new HashMap<>();

    /** The values that came with {@code D} for {@code command}, replacing what came for it before. */
    void put(char command, Map<String, String> values) {
        Map<String, String> plain = new HashMap<>();
        values.forEach((name, value) -> plain.put(plain(name), value));
        byCommand.put(command, plain);
    }

    /** The latest value of a macro, if the MTA sent one. */
    Optional<String> get(String name) {
        String key = plain(name);
        for (List<Character> group : List.of(MESSAGE, CONNECTION)) {
            for (char command : group) {
                Map<String, String> values = byCommand.get(command);
                if (values != null && values.containsKey(key)) {
                    return Optional.of(values.get(key));
                }
            }
        }
        for (Map<String, String> values : byCommand.values()) {
            if (values.containsKey(key)) {
                return Optional.of(values.get(key));
            }
        }
        return Optional.empty();
    }

    /** Only the macros of this command, e.g. {@code i} as it came with MAIL (not an older transaction's). */
    Optional<String> at(char command, String name) {
        return Optional.ofNullable(byCommand.getOrDefault(command, Map.of()).get(plain(name)));
    }

    /** The transaction is over: its macros go. */
    void clearMessage() {
        MESSAGE.forEach(byCommand::remove);
    }

    /** The MTA's session is over ({@code K}): everything goes. */
    void clear() {
        byCommand.clear();
    }

    private static String plain(String name) {
        return name.length() > 2 && name.startsWith("{") && name.endsWith("}") ? name.substring(1, name.length() - 1)
                : name;
    }
}
