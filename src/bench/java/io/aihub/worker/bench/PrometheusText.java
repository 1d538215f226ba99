package io.aihub.worker.bench;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

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

    /**
     * The {@code q} quantile of histogram {@code name} (its {@code _bucket} series summed over every other label),
     * interpolated linearly inside the bucket as Prometheus' histogram_quantile does; empty without observations.
     */
    static OptionalDouble quantile(String text, String name, double q) {
        Map<Double, Double> cumulative = new TreeMap<>();
        String bucket = name + "_bucket{";
        for (String line : text.lines().toList()) {
            int le = line.indexOf("le=\"");
            if (!line.startsWith(bucket) || le < 0) {
                continue;
            }
            String bound = line.substring(le + 4, line.indexOf('"', le + 4));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            double count = Double.parseDouble(line.substring(line.indexOf('}') + 1).trim().split(" ")[0]);
            cumulative.merge(upper, count, Double::sum);
        }
        double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total == 0) {
            return OptionalDouble.empty();
        }
        double rank = q * total;
        double lower = 0;
        double below = 0;
        for (Map.Entry<Double, Double> entry : cumulative.entrySet()) {
            if (entry.getValue() >= rank) {
                if (entry.getKey().isInfinite()) {
                    return OptionalDouble.of(lower);
                }
                double inBucket = entry.getValue() - below;
                double share = inBucket == 0 ? 1 : (rank - below) / inBucket;
                return OptionalDouble.of(lower + (entry.getKey() - lower) * share);
            }
            lower = entry.getKey();
            below = entry.getValue();
        }
        return OptionalDouble.of(lower);
    }
}
