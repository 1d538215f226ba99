package io.aihub.worker.chart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.Yaml;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

/**
 * Renders the Helm chart in {@code helm/aihub-run-worker} with helm-java (the Helm library, no binary) and parses
 * the manifests into plain maps, so tests can assert on the objects instead of on text.
 */
final class ChartRender {

    static final Path CHART = Path.of("helm/aihub-run-worker");
    static final String RELEASE = "aihub-run-worker";
    static final String NAMESPACE = "aihub";
    /** The cluster's version: helm-java's own default (1.20) is below the chart's kubeVersion. */
    static final String KUBE_VERSION = "v1.30.0";

    private ChartRender() {
    }

    /** Renders with the chart's defaults plus {@code key=value} overrides (Helm {@code --set} syntax). */
    static Manifests render(String... sets) {
        return render(CHART, null, sets);
    }

    /** Renders with a values file from {@code ci/} plus {@code key=value} overrides. */
    static Manifests renderCi(String ciFile, String... sets) {
        return render(CHART, CHART.resolve("ci").resolve(ciFile), sets);
    }

    /** Renders the chart in {@code chartDir} (a copy, for instance). */
    static Manifests render(Path chartDir, Path valuesFile, String... sets) {
        TemplateCommand template = new Helm(chartDir).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile);
        }
        for (String set : sets) {
            int eq = set.indexOf('=');
            template = template.set(set.substring(0, eq), set.substring(eq + 1));
        }
        return Manifests.parse(template.call());
    }

    /** The rendered objects of one release. */
    record Manifests(List<Map<String, Object>> objects) {

        @SuppressWarnings("unchecked")
        static Manifests parse(String yaml) {
            List<Map<String, Object>> objects = new ArrayList<>();
            for (Object document : new Yaml().loadAll(yaml)) {
                if (document != null) {
                    objects.add((Map<String, Object>) document);
                }
            }
            return new Manifests(List.copyOf(objects));
        }

        List<Map<String, Object>> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.get("kind"))).collect(Collectors.toList());
        }

        /** The one object of that kind; fails when there is none or more than one. */
        Map<String, Object> single(String kind) {
            List<Map<String, Object>> found = ofKind(kind);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + kind + " but found " + found.size() + " in " + kinds());
            }
            return found.get(0);
        }

        List<String> kinds() {
            return objects.stream().map(o -> (String) o.get("kind")).sorted().collect(Collectors.toList());
        }

        Map<String, Object> deployment() {
            return single("Deployment");
        }

        Map<String, Object> podSpec() {
            return Yamls.map(deployment(), "spec", "template", "spec");
        }

        Map<String, Object> container() {
            return Yamls.map(podSpec(), "containers", 0);
        }

        Map<String, Object> configData() {
            return Yamls.map(single("ConfigMap"), "data");
        }

        /** The decoded value of one key of the chart's Secret. */
        String secretValue(String key) {
            String encoded = (String) Yamls.at(single("Secret"), "data", key);
            return encoded == null ? null : new String(Base64.getDecoder().decode(encoded));
        }
    }
}
