package io.aihub.worker.bench;

import java.util.OptionalDouble;

/** Reads samples from Prometheus text exposition ({@code /q/metrics}). */
final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * Sum of the samples of {@code name} whose label set contains every one of {@code labels} (each written as
     * {@code key="value"}); empty when there is none.
     */
    static OptionalDouble sum(String text, String name, String... labels) {
        double total = 0;
        boolean found = false;
        for (String line : text.lines().toList()) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            // The label set's own brace, not an exemplar's ("value # {trace_id=...} value time") after the value.
            int close = line.startsWith(name + "{") ? line.indexOf('}') : -1;
            String labelSet = close < 0 ? "" : line.substring(name.length(), close + 1);
            boolean all = true;
            for (String label : labels) {
                all &= labelSet.contains(label);
            }
            if (all) {
                String value = line.substring(close < 0 ? name.length() : close + 1).trim().split(" ")[0];
                double parsed = Double.parseDouble(value);
                if (!Double.isNaN(parsed)) {
                    total += parsed;
                    found = true;
                }
            }
        }
        return found ? OptionalDouble.of(total) : OptionalDouble.empty();
    }
}
