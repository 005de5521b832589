package org.portcullis.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark's Java side, one jar with four commands:
 * <pre>
 *   send   --target H:P [--sessions N] [--size 10k] [--warmup 5s --duration 20s | --messages N] [--rate R]
 *          [--sink-control H:P] [--watch name=pid,pid;name=pid] [--label k=v,k=v]
 *   sink   [--listen H:P] [--control H:P] [--max-lifetime 2h]
 *   idle   --target H:P [--connections 10000] [--hold 60s] [--open-rate 2000]
 *   report --input results.jsonl --json summary.json [--title T] [--preamble FILE]
 * </pre>
 */
public final class LoadGen {

    private LoadGen() {
    }

    public static void main(String[] argv) {
        if (argv.length == 0) {
            usage(System.err);
            System.exit(2);
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        PrintStream out = System.out;
        try {
            Args args = new Args(rest);
            int code = switch (argv[0]) {
                case "send" -> Send.run(args, out);
                case "sink" -> Sink.run(args, out);
                case "idle" -> Idle.run(args, out);
                case "report" -> Report.run(args, out);
                default -> {
                    usage(System.err);
                    yield 2;
                }
            };
            System.exit(code);
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("loadgen: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    private static void usage(PrintStream err) {
        err.println("usage: loadgen send|sink|idle|report [--option value ...]  (see bench/README.md)");
    }
}
