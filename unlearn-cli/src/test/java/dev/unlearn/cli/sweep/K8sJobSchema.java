package dev.unlearn.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of the Kubernetes {@code batch/v1} Job schema (API reference, v1.29+) that the sweep's
 * manifest uses, transcribed by hand: the fields each object may have, their types, required fields and
 * enumerations. {@code kubectl --dry-run=client} needs a server for its schema, so this stands in for it
 * offline. An unknown field, a wrong type, a missing required field or a bad value throws.
 */
final class K8sJobSchema {
    private K8sJobSchema() {}

    /** Field name to its type: "string", "int", "bool", "[type]" (array), "{string}" (map of strings), "quantities", or an object type. */
    static final Map<String, Map<String, String>> TYPES = Map.ofEntries(
            Map.entry("Job", Map.of("apiVersion", "string", "kind", "string", "metadata", "ObjectMeta", "spec", "JobSpec")),
            Map.entry("ObjectMeta", Map.of("name", "string", "namespace", "string", "labels", "{string}", "annotations", "{string}",
                    "generateName", "string")),
            Map.entry("JobSpec", Map.ofEntries(Map.entry("activeDeadlineSeconds", "int"), Map.entry("backoffLimit", "int"),
                    Map.entry("backoffLimitPerIndex", "int"), Map.entry("completionMode", "string"),
                    Map.entry("completions", "int"), Map.entry("manualSelector", "bool"),
                    Map.entry("maxFailedIndexes", "int"), Map.entry("parallelism", "int"), Map.entry("suspend", "bool"),
                    Map.entry("template", "PodTemplateSpec"), Map.entry("ttlSecondsAfterFinished", "int"))),
            Map.entry("PodTemplateSpec", Map.of("metadata", "ObjectMeta", "spec", "PodSpec")),
            Map.entry("PodSpec", Map.of("containers", "[Container]", "restartPolicy", "string", "serviceAccountName", "string",
                    "volumes", "[Volume]", "nodeSelector", "{string}")),
            Map.entry("Container", Map.of("name", "string", "image", "string", "command", "[string]", "args", "[string]",
                    "env", "[EnvVar]", "resources", "ResourceRequirements", "volumeMounts", "[VolumeMount]",
                    "workingDir", "string")),
            Map.entry("EnvVar", Map.of("name", "string", "value", "string")),
            Map.entry("ResourceRequirements", Map.of("limits", "quantities", "requests", "quantities")),
            Map.entry("VolumeMount", Map.of("name", "string", "mountPath", "string", "readOnly", "bool", "subPath", "string")),
            Map.entry("Volume", Map.of("name", "string", "persistentVolumeClaim", "PersistentVolumeClaimVolumeSource")),
            Map.entry("PersistentVolumeClaimVolumeSource", Map.of("claimName", "string", "readOnly", "bool")));

    static final Map<String, List<String>> REQUIRED = Map.of("Job", List.of("apiVersion", "kind", "metadata", "spec"),
            "JobSpec", List.of("template"), "PodTemplateSpec", List.of("spec"), "PodSpec", List.of("containers"),
            "Container", List.of("name", "image"), "EnvVar", List.of("name"), "VolumeMount", List.of("name", "mountPath"),
            "Volume", List.of("name"), "PersistentVolumeClaimVolumeSource", List.of("claimName"));

    static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    static final String QUANTITY = "[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\\d+)?";

    static void validate(JsonNode job) {
        check(job, "Job", "");
        String at = ".spec";
        if (!job.path("apiVersion").asText().equals("batch/v1") || !job.path("kind").asText().equals("Job")) {
            throw new AssertionError("not a batch/v1 Job");
        }
        String name = job.path("metadata").path("name").asText();
        if (!name.matches(DNS_LABEL) || name.length() > 63) {
            throw new AssertionError(".metadata.name '" + name + "' is not a DNS label of at most 63 characters");
        }
        JsonNode spec = job.path("spec");
        String mode = spec.path("completionMode").asText("NonIndexed");
        if (!Set.of("NonIndexed", "Indexed").contains(mode)) {
            throw new AssertionError(at + ".completionMode: " + mode);
        }
        if (mode.equals("Indexed") && (!spec.has("completions") || spec.get("completions").asInt() < 1)) {
            throw new AssertionError(at + ".completions: required (>= 1) for an Indexed Job");
        }
        for (String k : List.of("completions", "parallelism", "backoffLimit")) {
            if (spec.has(k) && spec.get(k).asInt() < 0) {
                throw new AssertionError(at + "." + k + " < 0");
            }
        }
        String restart = spec.path("template").path("spec").path("restartPolicy").asText();
        if (!Set.of("Never", "OnFailure").contains(restart)) {
            throw new AssertionError("a Job's restartPolicy must be Never or OnFailure, found '" + restart + "'");
        }
        JsonNode pod = spec.path("template").path("spec");
        Set<String> volumes = new java.util.HashSet<>();
        pod.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
        for (JsonNode c : pod.path("containers")) {
            if (!c.path("name").asText().matches(DNS_LABEL)) {
                throw new AssertionError("container name " + c.path("name"));
            }
            for (JsonNode m : c.path("volumeMounts")) {
                if (!volumes.contains(m.path("name").asText())) {
                    throw new AssertionError("volumeMount " + m.path("name") + " names no volume");
                }
                if (!m.path("mountPath").asText().startsWith("/")) {
                    throw new AssertionError("mountPath must be absolute");
                }
            }
        }
    }

    private static void check(JsonNode n, String type, String at) {
        if (!n.isObject()) {
            throw new AssertionError(at + ": expected an object (" + type + ")");
        }
        Map<String, String> fields = TYPES.get(type);
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String t = fields.get(e.getKey());
            if (t == null) {
                throw new AssertionError(at + "." + e.getKey() + ": unknown field of " + type);
            }
            value(e.getValue(), t, at + "." + e.getKey());
        }
        for (String r : REQUIRED.getOrDefault(type, List.of())) {
            if (!n.has(r)) {
                throw new AssertionError(at + "." + r + ": required in " + type);
            }
        }
    }

    private static void value(JsonNode v, String t, String at) {
        switch (t) {
            case "string" -> {
                if (!v.isTextual()) {
                    throw new AssertionError(at + ": expected a string, found " + v);
                }
            }
            case "int" -> {
                if (!v.isIntegralNumber()) {
                    throw new AssertionError(at + ": expected an integer, found " + v);
                }
            }
            case "bool" -> {
                if (!v.isBoolean()) {
                    throw new AssertionError(at + ": expected a boolean");
                }
            }
            case "{string}" -> v.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) {
                    throw new AssertionError(at + "." + e.getKey() + ": expected a string");
                }
            });
            case "quantities" -> v.fields().forEachRemaining(e -> {
                if (!(e.getValue().isIntegralNumber() || e.getValue().isTextual() && e.getValue().asText().matches(QUANTITY))) {
                    throw new AssertionError(at + "." + e.getKey() + ": not a quantity: " + e.getValue());
                }
            });
            default -> {
                if (t.startsWith("[")) {
                    if (!v.isArray()) {
                        throw new AssertionError(at + ": expected a list");
                    }
                    String inner = t.substring(1, t.length() - 1);
                    for (int i = 0; i < v.size(); i++) {
                        value(v.get(i), inner, at + "[" + i + "]");
                    }
                } else {
                    check(v, t, at);
                }
            }
        }
    }
}
