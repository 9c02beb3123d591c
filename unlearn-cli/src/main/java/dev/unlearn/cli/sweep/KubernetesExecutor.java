package dev.unlearn.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The Kubernetes executor: writes {@code OUT/sweep/kubernetes/job.yaml}, an Indexed Job
 * ({@code completionMode: Indexed}, one completion per plan trial) whose pods run the trial command
 * {@code unlearn sweep trial MOUNT}; the trial command reads its index from
 * {@code JOB_COMPLETION_INDEX}, which Kubernetes sets in every pod of an Indexed Job. The output folder
 * is a persistent volume claim ({@code executor.kubernetes.volume_claim}) holding this folder, mounted
 * at {@code mount_path} (default {@code /sweep}). A finished trial's pod exits at once, so re-applying
 * the Job after a partial run costs only the unfinished trials. Apply it with
 * {@code kubectl apply -f OUT/sweep/kubernetes/job.yaml}.
 */
public final class KubernetesExecutor {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private KubernetesExecutor() {}

    /** The Job's name: a DNS label of at most 63 characters, unique per plan. */
    static String jobName(Plan plan) {
        String n = plan.name().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (n.length() > 30) {
            n = n.substring(0, 30).replaceAll("-+$", "");
        }
        String d = Plan.digest(plan.json().path("trials")).substring(0, 8);
        return "unlearn-sweep-" + (n.isEmpty() ? "" : n + "-") + d;
    }

    /** The Indexed Job manifest. */
    public static ObjectNode manifest(Plan plan, JsonNode k8s, int memoryPerTrialMb) {
        if (!k8s.hasNonNull("image")) {
            throw new InvalidInputException("executor.kubernetes.image: required: a container image with the unlearn"
                    + " launcher (e.g. built from this repository with a JDK 17)");
        }
        if (!k8s.hasNonNull("volume_claim")) {
            throw new InvalidInputException("executor.kubernetes.volume_claim: required: a ReadWriteMany persistent volume"
                    + " claim that holds the sweep's output folder (copy the folder there after planning)");
        }
        String mount = k8s.path("mount_path").asText("/sweep");
        int n = plan.trials().size();
        ObjectNode job = YAML.createObjectNode();
        job.put("apiVersion", "batch/v1");
        job.put("kind", "Job");
        ObjectNode meta = job.putObject("metadata");
        meta.put("name", jobName(plan));
        if (k8s.has("namespace")) {
            meta.put("namespace", k8s.get("namespace").asText());
        }
        meta.putObject("labels").put("app.kubernetes.io/name", "unlearn-sweep").put("app.kubernetes.io/instance",
                jobName(plan));
        ObjectNode spec = job.putObject("spec");
        spec.put("completionMode", "Indexed");
        spec.put("completions", n);
        spec.put("parallelism", Math.min(n, k8s.path("parallelism").asInt(Math.min(n, 4))));
        spec.put("backoffLimit", k8s.path("backoff_limit").asInt(Math.max(6, n)));
        ObjectNode tpl = spec.putObject("template");
        tpl.putObject("metadata").putObject("labels").put("app.kubernetes.io/name", "unlearn-sweep");
        ObjectNode pod = tpl.putObject("spec");
        pod.put("restartPolicy", "Never");
        if (k8s.has("service_account")) {
            pod.put("serviceAccountName", k8s.get("service_account").asText());
        }
        ObjectNode c = pod.putArray("containers").addObject();
        c.put("name", "trial");
        c.put("image", k8s.get("image").asText());
        ArrayNode cmd = c.putArray("command");
        if (k8s.has("command")) {
            k8s.get("command").forEach(x -> cmd.add(x.asText()));
        } else {
            cmd.add("unlearn");
        }
        c.putArray("args").add("sweep").add("trial").add(mount).add("--executor-name").add("kubernetes");
        ArrayNode env = c.putArray("env");
        env.addObject().put("name", "GOMP_SPINCOUNT").put("value", "1000");
        String cpu = k8s.path("cpu").asText("1");
        env.addObject().put("name", "OMP_NUM_THREADS").put("value", cpu.matches("\\d+") ? cpu : "1");
        ObjectNode res = c.putObject("resources");
        ObjectNode req = res.putObject("requests");
        ObjectNode lim = res.putObject("limits");
        req.put("cpu", cpu);
        String mem = k8s.has("memory") ? k8s.get("memory").asText()
                : (memoryPerTrialMb > 0 ? memoryPerTrialMb : LocalExecutor.DEFAULT_TRIAL_MB) + "Mi";
        req.put("memory", mem);
        lim.put("memory", mem);
        if (k8s.path("gpus").asInt(0) > 0) {
            lim.put("nvidia.com/gpu", k8s.get("gpus").asInt());
        }
        c.putArray("volumeMounts").addObject().put("name", "sweep").put("mountPath", mount);
        pod.putArray("volumes").addObject().put("name", "sweep").putObject("persistentVolumeClaim")
                .put("claimName", k8s.get("volume_claim").asText());
        return job;
    }

    /** Writes the manifest (temp, then rename) and returns its path. */
    public static Path write(Path out, Plan plan, JsonNode k8s, int memoryPerTrialMb) {
        ObjectNode job = manifest(plan, k8s, memoryPerTrialMb);
        Path dir = out.resolve("sweep").resolve("kubernetes");
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve("job.yaml");
            Path tmp = Files.createTempFile(dir, ".job-", ".tmp");
            String header = "# Generated by 'unlearn sweep' for " + plan.name() + ": an Indexed Job, one pod per trial"
                    + " (JOB_COMPLETION_INDEX = plan index).\n# Apply with: kubectl apply -f job.yaml\n";
            Files.writeString(tmp, header + YAML.writeValueAsString(job), StandardCharsets.UTF_8);
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return p;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the Kubernetes manifest into " + dir, ex);
        }
    }
}
