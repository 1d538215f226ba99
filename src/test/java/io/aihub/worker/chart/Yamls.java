package io.aihub.worker.chart;

import java.util.List;
import java.util.Map;

/** Walks parsed YAML (maps and lists) by keys and indexes; keys may contain dots, as label names do. */
final class Yamls {

    private Yamls() {
    }

    /** The node at the path of map keys (String) and list indexes (Integer), or null when a step is missing. */
    static Object at(Object root, Object... path) {
        Object node = root;
        for (Object step : path) {
            if (node instanceof Map<?, ?> map && step instanceof String key) {
                node = map.get(key);
            } else if (node instanceof List<?> list && step instanceof Integer index) {
                node = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, Object... path) {
        return (Map<String, Object>) at(root, path);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object root, Object... path) {
        return (List<Object>) at(root, path);
    }

    /** The environment variable of that name in a container, or null. */
    static Map<String, Object> env(Map<String, Object> container, String name) {
        List<Object> env = list(container, "env");
        if (env == null) {
            return null;
        }
        return env.stream().map(e -> map(e)).filter(e -> name.equals(e.get("name"))).findFirst().orElse(null);
    }
}
