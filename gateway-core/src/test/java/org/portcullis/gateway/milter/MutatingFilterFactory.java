package org.portcullis.gateway.milter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.portcullis.filter.Address;
import org.portcullis.filter.ContentSource;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.FilterConfig;
import org.portcullis.filter.FilterConfigException;
import org.portcullis.filter.FilterFactory;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.MediaType;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.StageResult;
import org.portcullis.filter.Verdict;

/**
 * A filter for the milter server's tests (type {@code mutating}, found by ServiceLoader): at the
 * end of the message it asks for the changes listed under {@code mutations} and, if set, gives
 * {@code verdict}; {@code sleep_eom} makes it slow, {@code sleep_mail} slow at MAIL FROM.
 *
 * <pre>
 * mutations:
 *   - "add_header X-A: value"        - "insert_header 0 X-Top: value"
 *   - "change_header Subject 1 text" - "delete_header Received 0"
 *   - "replace_body text"            - "replace_root text/plain text"
 *   - "add_rcpt a@b NOTIFY=NEVER"    - "remove_rcpt a@b"
 *   - "redirect a@b,c@d"             - "change_sender a@b"
 * </pre>
 */
public final class MutatingFilterFactory implements FilterFactory {

    @Override
    public String type() {
        return "mutating";
    }

    @Override
    public MailFilter create(FilterConfig config) throws FilterConfigException {
        List<Mutation> mutations = new ArrayList<>();
        for (String m : config.strings("mutations")) {
            mutations.add(parse(m));
        }
        Duration sleepEom = config.duration("sleep_eom", Duration.ZERO);
        Duration sleepMail = config.duration("sleep_mail", Duration.ZERO);
        String verdict = config.string("verdict", "");
        return new MailFilter() {
            @Override
            public StageResult onMailFrom(Envelope envelope) {
                pause(sleepMail);
                return StageResult.proceed();
            }

            @Override
            public StageResult onEndOfMessage(MessageView message) {
                pause(sleepEom);
                StageResult result = StageResult.proceed();
                for (Mutation m : mutations) {
                    result = result.withMutation(m);
                }
                return switch (verdict) {
                    case "quarantine" -> result.withVerdict(Verdict.quarantine("held by the test"));
                    case "discard" -> result.withVerdict(Verdict.discard());
                    case "tempfail" -> result.withVerdict(new Verdict.Tempfail(451, "4.7.1", "try 100% later"));
                    default -> result;
                };
            }
        };
    }

    private static Mutation parse(String text) {
        String[] w = text.split(" ", 2);
        String rest = w.length > 1 ? w[1] : "";
        return switch (w[0]) {
            case "add_header" -> {
                int colon = rest.indexOf(':');
                yield new Mutation.AddHeader(rest.substring(0, colon), rest.substring(colon + 1).strip());
            }
            case "insert_header" -> {
                String[] p = rest.split(" ", 2);
                int colon = p[1].indexOf(':');
                yield new Mutation.InsertHeader(Integer.parseInt(p[0]), p[1].substring(0, colon),
                        p[1].substring(colon + 1).strip());
            }
            case "change_header" -> {
                String[] p = rest.split(" ", 3);
                yield new Mutation.ChangeHeader(p[0], Integer.parseInt(p[1]), p[2]);
            }
            case "delete_header" -> {
                String[] p = rest.split(" ", 2);
                yield new Mutation.DeleteHeader(p[0], Integer.parseInt(p[1]));
            }
            case "replace_body" -> new Mutation.ReplaceBody(ContentSource.of(rest + "\r\n"));
            case "replace_root" -> {
                String[] p = rest.split(" ", 2);
                String[] type = p[0].split("/");
                yield new Mutation.ReplacePart("", new MediaType(type[0], type[1], Map.of()),
                        ContentSource.of(p[1] + "\r\n"));
            }
            case "add_rcpt" -> {
                String[] p = rest.split(" ");
                Map<String, String> params = new java.util.TreeMap<>();
                for (int i = 1; i < p.length; i++) {
                    String[] kv = p[i].split("=", 2);
                    params.put(kv[0], kv[1]);
                }
                yield new Mutation.AddRecipient(Address.parse(p[0]), params);
            }
            case "remove_rcpt" -> new Mutation.RemoveRecipient(Address.parse(rest));
            case "redirect" -> new Mutation.Redirect(java.util.Arrays.stream(rest.split(",")).map(Address::parse).toList());
            case "change_sender" -> new Mutation.ChangeSender(Address.parse(rest));
            default -> throw new IllegalArgumentException("no such test mutation: " + text);
        };
    }

    private static void pause(Duration sleep) {
        if (!sleep.isZero()) {
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
