package dev.steward.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * docker/ as a container runs it, without a container engine (this machine has none): docker/install lays the
 * application out as the Dockerfile's build does; the daemon starts with the Dockerfile's ENV, ENTRYPOINT and CMD;
 * its manifests are the ConfigMap of docker/kubernetes.yaml, laid out as the kubelet mounts one (files linked
 * through {@code ..data}); its state volume is an emptyDir (a directory every user may write); and the pod's probes
 * must answer. Paths of the container are mapped to temporary directories, and the listening port to a free one.
 */
class ContainerIT {
    private static final Path DOCKER = Path.of("docker");
    private static final Pattern ENV = Pattern.compile("^ENV ([A-Z_]+)=(\\S+)$");
    private static final Pattern JSON_STRING = Pattern.compile("\"([^\"]*)\"");

    @TempDir
    Path root;

    /** Container path prefix to the temporary directory that stands for it, longest first. */
    private final Map<String, Path> mapped = new LinkedHashMap<>();

    @Test
    void theImageRunsTheKubernetesExamplesProgramsAndAnswersItsProbes() throws Exception {
        Path opt = root.resolve("opt/steward");
        ProcessBuilder installer = new ProcessBuilder(DOCKER.resolve("install").toString(), opt.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("install.log").toFile());
        // the JVM the daemon runs on below: an archive is made for one JDK build
        installer.environment().put("JAVA_HOME", System.getProperty("java.home"));
        installer.environment().remove("STEWARD_CDS");
        Process install = installer.start();
        install.getOutputStream().close();
        assertTrue(install.waitFor(5, TimeUnit.MINUTES), "docker/install did not end");
        assertEquals(0, install.exitValue(), () -> read(root.resolve("install.log")));
        Map<Path, FileTime> archives = archives(opt);
        assertEquals(2, archives.size(), "the daemon's and the client's class-data archives are made in the image");
        mapped.put("/opt/steward", opt);

        List<Map<String, Object>> documents = kubernetesDocuments();
        Map<String, Object> configMap = kind(documents, "ConfigMap");
        Map<String, Object> pod = map(map(map(kind(documents, "Deployment"), "spec"), "template"), "spec");
        Map<String, Object> container = list(pod, "containers").get(0);
        mountVolumes(pod, container, configMap);
        int containerPort = ((Number) list(container, "ports").get(0).get("containerPort")).intValue();

        Map<String, String> environment = new HashMap<>();
        List<String> dockerfile = Files.readAllLines(DOCKER.resolve("Dockerfile"));
        for (String line : dockerfile) {
            if (line.startsWith("ENV ")) {
                Matcher env = ENV.matcher(line);
                assertTrue(env.matches(), "one KEY=VALUE per ENV line, for this test to read: " + line);
                environment.put(env.group(1), env.group(2));
            }
        }
        String listen = environment.get("STEWARD_LISTEN");
        assertEquals("0.0.0.0:" + containerPort, listen, "the image listens on every address, at the pod's containerPort");
        int port = Http.freePort();
        environment.put("STEWARD_LISTEN", "127.0.0.1:" + port);
        environment.replaceAll((name, value) -> local(value.replace("$PATH", System.getenv("PATH"))));
        environment.put("JAVA_HOME", System.getProperty("java.home"));

        List<String> command = new ArrayList<>(instruction(dockerfile, "ENTRYPOINT"));
        command.addAll(instruction(dockerfile, "CMD"));
        command.set(0, onPath(command.get(0), environment.get("PATH")));
        Path manifests = Path.of(environment.get("STEWARD_MANIFESTS"));
        Path state = Path.of(environment.get("STEWARD_STATE_DIR"));
        try (DaemonProcess daemon = DaemonProcess.launchCommand(command, environment, manifests, state, "ContainerIT")) {
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                Map<String, Object> httpGet = map(map(container, probe), "httpGet");
                assertEquals("http", httpGet.get("port"), probe + " asks the named port");
                String url = "http://127.0.0.1:" + port + httpGet.get("path");
                await(probe + " " + url + "\n" + String.join("\n", daemon.lines())).atMost(DaemonProcess.PATIENCE)
                        .until(() -> Http.status(url) == 200);
            }
            daemon.awaitLine("hello from hello"); // logged to /dev/stdout: the pod's log

            // kubectl exec deploy/steward -- steward status: the client with the image's environment
            ProcessBuilder status = new ProcessBuilder(command.get(0), "status").redirectErrorStream(true)
                    .redirectOutput(root.resolve("status.txt").toFile());
            status.environment().putAll(environment);
            Process client = status.start();
            assertTrue(client.waitFor(60, TimeUnit.SECONDS));
            String table = read(root.resolve("status.txt"));
            assertEquals(0, client.exitValue(), table);
            for (String process : List.of("hello", "worker-0", "worker-1")) {
                assertTrue(Pattern.compile("(?m)^" + process + " +RUNNING ").matcher(table).find(), table);
            }

            // the pod's deletion: SIGTERM, then the daemon stops its programs and ends within the grace period
            long started = System.nanoTime();
            assertEquals(0, daemon.terminate(), () -> String.join("\n", daemon.lines()));
            long grace = ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(grace), "stopped within the grace period");
            for (long pid : daemon.reportedPids()) {
                Processes.awaitDead(pid);
            }
        }
        assertEquals(archives, archives(opt), "the archives made in the image are used as they are, never made again");
    }

    /** The class-data archives of an installation, with their modification times. */
    private static Map<Path, FileTime> archives(Path installation) throws IOException {
        Map<Path, FileTime> archives = new HashMap<>();
        try (var target = Files.list(installation.resolve("target"))) {
            for (Path file : target.filter(f -> f.toString().endsWith(".jsa")).toList()) {
                archives.put(file, Files.getLastModifiedTime(file));
            }
        }
        return archives;
    }

    /** Each volume mount as the kubelet makes it: a ConfigMap's files linked through ..data; an emptyDir mode 0777. */
    private void mountVolumes(Map<String, Object> pod, Map<String, Object> container, Map<String, Object> configMap)
            throws IOException {
        for (Map<String, Object> mount : list(container, "volumeMounts")) {
            Map<String, Object> volume = list(pod, "volumes").stream().filter(v -> v.get("name").equals(mount.get("name")))
                    .findFirst().orElseThrow();
            String mountPath = (String) mount.get("mountPath");
            Path local = Files.createDirectories(root.resolve("volumes").resolve((String) mount.get("name")));
            if (volume.containsKey("configMap")) {
                assertEquals(map(configMap, "metadata").get("name"), map(volume, "configMap").get("name"));
                Path version = Files.createDirectory(local.resolve("..2026_12_07_10_00_00.1"));
                for (Map.Entry<String, Object> file : map(configMap, "data").entrySet()) {
                    Files.writeString(version.resolve(file.getKey()), (String) file.getValue());
                    Files.createSymbolicLink(local.resolve(file.getKey()), Path.of("..data", file.getKey()));
                }
                Files.createSymbolicLink(local.resolve("..data"), version.getFileName());
            } else {
                assertNotNull(volume.get("emptyDir"), "a ConfigMap or an emptyDir: " + volume);
                Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            mapped.put(mountPath, local);
        }
        List<Map.Entry<String, Path>> longestFirst = new ArrayList<>(mapped.entrySet());
        longestFirst.sort(Comparator.comparing((Map.Entry<String, Path> e) -> e.getKey().length()).reversed());
        mapped.clear();
        longestFirst.forEach(e -> mapped.put(e.getKey(), e.getValue()));
    }

    /** {@code value} with each container path in it (a colon-separated list too) replaced by its local directory. */
    private String local(String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split(":", -1)) {
            String localPart = part;
            for (Map.Entry<String, Path> mount : mapped.entrySet()) {
                if (part.equals(mount.getKey()) || part.startsWith(mount.getKey() + "/")) {
                    localPart = mount.getValue() + part.substring(mount.getKey().length());
                    break;
                }
            }
            parts.add(localPart);
        }
        return String.join(":", parts);
    }

    private static String onPath(String program, String path) {
        for (String directory : path.split(":")) {
            Path candidate = Path.of(directory, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(program + " is not on the image's PATH " + path);
    }

    /** The JSON array of the Dockerfile's {@code ENTRYPOINT} or {@code CMD}. */
    private static List<String> instruction(List<String> dockerfile, String name) {
        String line = dockerfile.stream().filter(l -> l.startsWith(name + " [")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " [...] in docker/Dockerfile"));
        List<String> words = new ArrayList<>();
        Matcher word = JSON_STRING.matcher(line);
        while (word.find()) {
            words.add(word.group(1));
        }
        return words;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> kubernetesDocuments() throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Load(LoadSettings.builder().build())
                .loadAllFromString(Files.readString(DOCKER.resolve("kubernetes.yaml")))) {
            documents.add((Map<String, Object>) document);
        }
        return documents;
    }

    private static Map<String, Object> kind(List<Map<String, Object>> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in docker/kubernetes.yaml"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> map, String key) {
        return (Map<String, Object>) map.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> map, String key) {
        return (List<Map<String, Object>>) map.get(key);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
