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
        if (!other.isEmpty()) {
            md.append("## Other measurements\n\n");
            for (Map<String, Object> r : other) {
                md.append("- `").append(Json.write(r)).append("`\n");
            }
            md.append("\n");
        }
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
