package org.portcullis.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns the JSON lines of one bench/run into the results table: per cell (size × sessions) one
 * row per contender with the median of its repetitions and their range, then the ratios
 * (a)/(c) and (b)/(d) of the median end-to-end rates. Writes Markdown to stdout and a summary
 * JSON next to it.
 */
final class Report {

    static final Map<String, String> NAMES = Map.of(
            "sink", "sink alone (load generator straight to the sink)",
            "a", "(a) Portcullis, relay only",
            "b", "(b) Portcullis + clamav-milter + rspamd milter",
            "c", "(c) Postfix, relay only",
            "d", "(d) Postfix + clamav-milter + rspamd milter");

    static int run(Args args, PrintStream out) throws IOException {
        Path input = Path.of(args.required("input"));
        Path jsonOut = Path.of(args.required("json"));
        String title = args.string("title", "Portcullis vs Postfix");
        String preamble = args.string("preamble", "");
        args.finish();

        List<Map<String, Object>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(input)) {
            if (line.startsWith("{")) {
                rows.add(Json.parse(line));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        if (!preamble.isBlank()) {
            md.append(Files.exists(Path.of(preamble)) ? Files.readString(Path.of(preamble)) : preamble).append("\n\n");
        }
        // cell -> contender -> runs
        Map<String, Map<String, List<Map<String, Object>>>> cells = new TreeMap<>(Comparator
                .comparingDouble((String k) -> Double.parseDouble(k.split("x")[0]))
                .thenComparingDouble(k -> Double.parseDouble(k.split("x")[1])));
        List<Map<String, Object>> other = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String kind = String.valueOf(r.getOrDefault("kind", "matrix"));
            if (!kind.equals("matrix")) {
                other.add(r);
                continue;
            }
            String cell = num(r, "size") + "x" + num(r, "sessions");
            cells.computeIfAbsent(cell, k -> new TreeMap<>())
                    .computeIfAbsent(String.valueOf(r.get("contender")), k -> new ArrayList<>()).add(r);
        }
        List<Map<String, Object>> summary = new ArrayList<>();
        List<String> ratioLines = new ArrayList<>();
        for (var cell : cells.entrySet()) {
            String[] sz = cell.getKey().split("x");
            String cellName = human((long) Double.parseDouble(sz[0])) + " × " + (long) Double.parseDouble(sz[1])
                    + " sessions";
            md.append("## ").append(cellName).append("\n\n");
            md.append("| contender | msgs/s end to end | msgs/s accepted | p50 DATA reply ms | p99 DATA reply ms"
                    + " | CPU s per 1,000 msgs (gateway) | CPU s per 1,000 msgs (milters) | peak RSS MB (gateway)"
                    + " | peak PSS MB (gateway) | failed | runs |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            Map<String, Double> e2e = new LinkedHashMap<>();
            for (var c : cell.getValue().entrySet()) {
                List<Map<String, Object>> runs = c.getValue();
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("size", (long) Double.parseDouble(sz[0]));
                s.put("sessions", (long) Double.parseDouble(sz[1]));
                s.put("contender", c.getKey());
                s.put("runs", runs.size());
                md.append("| ").append(NAMES.getOrDefault(c.getKey(), c.getKey()));
                for (String field : List.of("e2e_rate", "accept_rate", "p50_ms", "p99_ms", "gateway_cpu_s_per_1k",
                        "filters_cpu_s_per_1k", "gateway_rss_peak_mb", "gateway_pss_peak_mb")) {
                    List<Double> v = values(runs, field);
                    double median = median(v);
                    s.put(field, median);
                    s.put(field + "_min", v.isEmpty() ? null : v.get(0));
                    s.put(field + "_max", v.isEmpty() ? null : v.get(v.size() - 1));
                    md.append(" | ").append(cellText(v, field));
                }
                md.append(" | ").append((long) values(runs, "failed").stream().mapToDouble(d -> d).sum());
                md.append(" | ").append(runs.size()).append(" |\n");
                e2e.put(c.getKey(), (Double) s.get("e2e_rate"));
                summary.add(s);
            }
            md.append("\n");
            String ac = ratio(e2e, "a", "c");
            String bd = ratio(e2e, "b", "d");
            ratioLines.add("| " + cellName + " | " + ac + " | " + bd + " |");
        }
        md.append("## Ratios (median end-to-end msgs/s)\n\n| cell | (a)/(c) | (b)/(d) |\n|---|---:|---:|\n");
        ratioLines.forEach(l -> md.append(l).append("\n"));
        md.append("\n");
        extras(md, other);
        out.print(md);
        StringBuilder json = new StringBuilder("{\"cells\":[\n");
        for (int i = 0; i < summary.size(); i++) {
            json.append(Json.write(summary.get(i))).append(i + 1 < summary.size() ? ",\n" : "\n");
        }
        json.append("],\"runs\":[\n");
        for (int i = 0; i < rows.size(); i++) {
            json.append(Json.write(rows.get(i))).append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        json.append("]}\n");
        Files.writeString(jsonOut, json);
        return 0;
    }

    /** The extras of bench/run, each as its own small table. */
    private static void extras(StringBuilder md, List<Map<String, Object>> other) {
        List<Map<String, Object>> checks = kind(other, "check");
        if (!checks.isEmpty()) {
            md.append("## The load generator checked against smtp-source\n\n");
            md.append("| client | contender | round | messages | msgs/s end to end | msgs/s accepted"
                    + " | bytes per message at the sink | client CPU s |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
            for (Map<String, Object> r : checks) {
                md.append("| ").append(r.get("tool")).append(" | (").append(r.get("contender")).append(") | ")
                        .append(r.get("round") instanceof Double d ? f0(d) : String.valueOf(r.getOrDefault("round", "–")))
                        .append(" | ")
                        .append(f0(r.get("messages") != null ? r.get("messages") : r.get("accepted"))).append(" | ")
                        .append(f0(r.get("e2e_rate"))).append(" | ").append(f0(r.get("accept_rate"))).append(" | ")
                        .append(f0(r.get("sink_bytes_per_message"))).append(" | ").append(f2(r.get("loadgen_cpu_s")))
                        .append(" |\n");
            }
            md.append("\n");
            for (String c : List.of("a", "c")) {
                List<Double> source = values(checks.stream().filter(r -> c.equals(r.get("contender"))
                        && "smtp-source".equals(r.get("tool"))).toList(), "e2e_rate");
                List<Double> ours = values(checks.stream().filter(r -> c.equals(r.get("contender"))
                        && "loadgen".equals(r.get("tool"))).toList(), "e2e_rate");
                if (!source.isEmpty() && !ours.isEmpty()) {
                    md.append(String.format(Locale.ROOT, "On (%s): median %.0f msgs/s with smtp-source, %.0f with the"
                            + " load generator: %+.0f %%.%n", c, median(source), median(ours),
                            100 * (median(ours) / median(source) - 1)));
                }
            }
            md.append("\n");
        }
        List<Map<String, Object>> half = kind(other, "half-rate");
        if (!half.isEmpty()) {
            md.append("## At half of (a)'s peak rate (10 KB, 20 sessions)\n\n");
            md.append("| contender | offered msgs/s | msgs/s end to end | p50 DATA reply ms | p99 DATA reply ms"
                    + " | CPU s per 1,000 msgs |\n|---|---:|---:|---:|---:|---:|\n");
            for (Map<String, Object> r : half) {
                md.append("| ").append(NAMES.getOrDefault(String.valueOf(r.get("contender")), "?")).append(" | ")
                        .append(f0(r.get("rate_target"))).append(" | ").append(f0(r.get("e2e_rate"))).append(" | ")
                        .append(f2(r.get("p50_ms"))).append(" | ").append(f2(r.get("p99_ms"))).append(" | ")
                        .append(f2(r.get("gateway_cpu_s_per_1k"))).append(" |\n");
            }
            md.append("\n");
        }
        List<Map<String, Object>> idle = new ArrayList<>();
        idle.addAll(kind(other, "idle-baseline"));
        idle.addAll(kind(other, "idle-loaded"));
        if (!idle.isEmpty()) {
            md.append("## 10,000 idle sessions (Portcullis, -Xmx512m)\n\n");
            md.append("| 20 sessions relaying 10 KB | msgs/s end to end | p50 DATA reply ms | p99 DATA reply ms"
                    + " | peak RSS MB |\n|---|---:|---:|---:|---:|\n");
            for (Map<String, Object> r : idle) {
                md.append("| ").append(r.get("kind").equals("idle-baseline") ? "alone" : "with the idle sessions held")
                        .append(" | ").append(f0(r.get("e2e_rate"))).append(" | ").append(f2(r.get("p50_ms")))
                        .append(" | ").append(f2(r.get("p99_ms"))).append(" | ").append(f0(r.get("gateway_rss_peak_mb")))
                        .append(" |\n");
            }
            List<Map<String, Object>> base = kind(other, "idle-baseline");
            List<Map<String, Object>> loaded = kind(other, "idle-loaded");
            md.append("\n");
            if (!base.isEmpty() && !loaded.isEmpty()) {
                md.append("Relaying with the idle sessions held: ").append(String.format(Locale.ROOT, "%.0f %%",
                        100 * (Double) loaded.get(0).get("e2e_rate") / (Double) base.get(0).get("e2e_rate")))
                        .append(" of the rate without them.");
            }
            for (Map<String, Object> r : kind(other, "idle-holder")) {
                md.append(" Idle sessions: ").append(f0(r.get("opened"))).append(" opened, ")
                        .append(f0(r.get("held_to_end"))).append(" held to the end, ")
                        .append(f0(r.get("closed_by_server"))).append(" closed by the gateway, ")
                        .append(f0(r.get("failed"))).append(" failed.");
            }
            for (Map<String, Object> r : kind(other, "idle-heap")) {
                md.append(" Heap used after a full GC while they were held: ").append(f0(r.get("heap_used_after_gc_mb")))
                        .append(" MB (of -Xmx512m).");
            }
            md.append("\n\n");
        }
        for (Map<String, Object> r : kind(other, "large")) {
            md.append("## 100 MB messages (Portcullis, -Xmx256m)\n\n")
                    .append(f0(r.get("delivered"))).append(" messages with a 100 MB body relayed to the sink in ")
                    .append(f2(r.get("duration_s"))).append(" s (").append(f2(r.get("accept_rate")))
                    .append(" msgs/s), ").append(f0(r.get("failed"))).append(" failed; peak RSS of the gateway ")
                    .append(f0(r.get("gateway_rss_peak_mb"))).append(" MB")
                    .append(r.get("first_failure") == null ? "" : "; first failure: " + r.get("first_failure"))
                    .append(".\n\n");
        }
    }

    private static List<Map<String, Object>> kind(List<Map<String, Object>> rows, String kind) {
        return rows.stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    private static String f0(Object v) {
        return v instanceof Double d ? String.format(Locale.ROOT, "%.0f", d) : "–";
    }

    private static String f2(Object v) {
        return v instanceof Double d ? String.format(Locale.ROOT, d < 10 ? "%.2f" : "%.1f", d) : "–";
    }

    private static String ratio(Map<String, Double> e2e, String a, String b) {
        Double x = e2e.get(a);
        Double y = e2e.get(b);
        if (x == null || y == null || x.isNaN() || y.isNaN() || y == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f", x / y);
    }

    private static List<Double> values(List<Map<String, Object>> runs, String field) {
        List<Double> v = new ArrayList<>();
        for (Map<String, Object> r : runs) {
            if (r.get(field) instanceof Double d && !d.isNaN()) {
                v.add(d);
            }
        }
        v.sort(Double::compare);
        return v;
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static String cellText(List<Double> v, String field) {
        if (v.isEmpty()) {
            return "–";
        }
        Function<Double, String> f = field.endsWith("rate") || field.endsWith("_mb")
                ? d -> String.format(Locale.ROOT, "%.0f", d)
                : d -> String.format(Locale.ROOT, d < 10 ? "%.2f" : "%.1f", d);
        String m = f.apply(median(v));
        return v.size() == 1 ? m : m + " (" + f.apply(v.get(0)) + "–" + f.apply(v.get(v.size() - 1)) + ")";
    }

    private static String num(Map<String, Object> r, String key) {
        return String.valueOf(((Double) r.get(key)).longValue());
    }

    private static String human(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MB" : bytes % 1024 == 0 ? bytes / 1024 + " KB"
                : bytes + " B";
    }
}
