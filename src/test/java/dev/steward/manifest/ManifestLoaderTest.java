package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.manifest.LogsSpec.StreamLogSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestLoaderTest {

    private static final Path FILE = Path.of("manifests/web.yaml");
    private static final String HEADER = "apiVersion: steward.dev/v1\nkind: Program\nmetadata:\n  name: web\n";

    private final ManifestLoader loader = new ManifestLoader();

    // ---- valid files ----------------------------------------------------------------------------------------

    @Test
    void readsEveryField() {
        ManifestFile file = loader.parse(FILE, """
                apiVersion: steward.dev/v1
                kind: Program
                metadata:
                  name: web
                  labels: {tier: frontend, version: 2, canary: true}
                spec:
                  command: ["python3", "-m", "http.server", 8080]
                  directory: /srv/web
                  environment: {PORT: "8080", DEBUG: 1, _Mode: yes}
                  user: www-data
                  umask: "027"
                  replicas: 2
                  autostart: false
                  restartPolicy: Always
                  restartBackoff: {initialSeconds: 5, maxSeconds: 120, resetSeconds: 900}
                  exitCodes: [0, 2]
                  startSeconds: 5
                  startRetries: 7
                  stopSignal: SIGINT
                  stopTimeoutSeconds: 30
                  stopAsGroup: true
                  killAsGroup: false
                  priority: -5
                  logs:
                    stdout: {file: /var/log/web.out, maxBytes: 1Gi, backups: 3}
                    stderr: {file: none, maxBytes: 0, backups: 0}
                    redirectStderr: true
                """);
        assertEquals(List.of(), file.errors());
        ProgramSpec web = file.programs().get(0);
        assertEquals(new ProgramSpec("web", Map.of("tier", "frontend", "version", "2", "canary", "true"),
                List.of("python3", "-m", "http.server", "8080"), Optional.of("/srv/web"),
                Map.of("PORT", "8080", "DEBUG", "1", "_Mode", "yes"), Optional.of("www-data"), Optional.of(027),
                2, false, RestartPolicy.Always, Optional.of(new RestartBackoff(5, 120, 900)), Set.of(0, 2), 5, 7, 2, 30, true, false, -5,
                new LogsSpec(new StreamLogSpec("/var/log/web.out", 1L << 30, 3),
                        new StreamLogSpec(StreamLogSpec.NONE, 0, 0), true)), web);
    }

    @Test
    void appliesDefaults() {
        ManifestFile file = loader.parse(FILE, HEADER + "spec:\n  command: [sleep, 10]\n");
        assertTrue(file.valid(), file.errors()::toString);
        assertEquals(new ProgramSpec("web", Map.of(), List.of("sleep", "10"), Optional.empty(), Map.of(),
                Optional.empty(), Optional.empty(), 1, true, RestartPolicy.OnFailure, Optional.empty(), Set.of(0), 1, 3, 15, 10,
                false, false, 999, LogsSpec.defaults()), file.programs().get(0));
    }

    @Test
    void killAsGroupFollowsStopAsGroup() {
        ProgramSpec spec = single(HEADER + "spec:\n  command: [sleep]\n  stopAsGroup: true\n");
        assertTrue(spec.stopAsGroup());
        assertTrue(spec.killAsGroup());
        spec = single(HEADER + "spec:\n  command: [sleep]\n  stopAsGroup: true\n  killAsGroup: false\n");
        assertFalse(spec.killAsGroup());
    }

    @Test
    void partialLogSettingsKeepOtherDefaults() {
        ProgramSpec spec = single(HEADER + "spec:\n  command: [sleep]\n  logs:\n    stdout: {maxBytes: 1048576}\n");
        assertEquals(new StreamLogSpec(StreamLogSpec.AUTO, 1048576, 10), spec.logs().stdout());
        assertEquals(StreamLogSpec.defaults(), spec.logs().stderr());
        assertFalse(spec.logs().redirectStderr());
        spec = single(HEADER + "spec:\n  command: [sleep]\n  logs:\n    stderr: {file: auto, backups: 1}\n");
        assertEquals(new StreamLogSpec(StreamLogSpec.AUTO, StreamLogSpec.DEFAULT_MAX_BYTES, 1), spec.logs().stderr());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'\"022\"' | 18", "022 | 18", "22 | 18", "0 | 0", "'\"0777\"' | 511", "0o027 | 23", "'\"7\"' | 7"})
    void readsUmaskAsOctal(String yaml, int expected) {
        String manifest = HEADER + "spec:\n  command: [sleep]\n  umask: " + yaml + "\n";
        assertEquals(Optional.of(expected), single(manifest).umask());
    }

    @Test
    void acceptsSignalNumbersAndNames() {
        assertEquals(9, single(HEADER + "spec:\n  command: [sleep]\n  stopSignal: 9\n").stopSignal());
        assertEquals(1, single(HEADER + "spec:\n  command: [sleep]\n  stopSignal: hup\n").stopSignal());
        assertEquals(10, single(HEADER + "spec:\n  command: [sleep]\n  stopSignal: \"10\"\n").stopSignal());
    }

    @Test
    void booleansFollowYaml12CoreSchema() {
        assertFalse(single(HEADER + "spec:\n  command: [sleep]\n  autostart: False\n").autostart());
        assertTrue(single(HEADER + "spec:\n  command: [sleep]\n  autostart: TRUE\n").autostart());
    }

    @Test
    void splitsStringCommandsLikeAShell() {
        assertEquals(List.of("python3", "-m", "http.server", "8080"),
                single(HEADER + "spec:\n  command: python3 -m http.server 8080\n").command());
        assertEquals(List.of("sh", "-c", "echo \"$HOME\" | wc -c"),
                single(HEADER + "spec:\n  command: sh -c 'echo \"$HOME\" | wc -c'\n").command());
        assertEquals(List.of("printf", "a b", "c d", "", "it's"),
                single(HEADER + "spec:\n  command: printf \"a b\" c\\ d '' \"it's\"\n").command());
    }

    @Test
    void shellWordsRules() {
        assertEquals(List.of("a", "b"), ShellWords.split("  a \t b  "));
        assertEquals(List.of("ab"), ShellWords.split("a'b'"));
        assertEquals(List.of("a\"b", "c\\d", "$x", "`"), ShellWords.split("\"a\\\"b\" \"c\\d\" \"\\$x\" \\`"));
        assertEquals(List.of("it's here"), ShellWords.split("'it'\\''s here'"));
        assertEquals(List.of("", ""), ShellWords.split("'' \"\""));
        assertEquals(List.of("ab"), ShellWords.split("a\\\nb"));
        assertEquals(List.of("semi;colon", "a|b", "$1"), ShellWords.split("'semi;colon' a\\|b '$1'"));
        assertEquals(List.of(), ShellWords.split("   "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellWords.split("echo 'oops"))
                .getMessage().startsWith("has an unterminated single quote starting at character 6"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellWords.split("echo \"oops"))
                .getMessage().startsWith("has an unterminated double quote starting at character 6"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellWords.split("echo \\"))
                .getMessage().startsWith("ends with a backslash"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellWords.split("app > out.log"))
                .getMessage().startsWith("contains an unquoted '>' at character 5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellWords.split("echo \"$HOME\""))
                .getMessage().startsWith("contains '$' inside double quotes"));
        assertEquals(List.of("app", "--port=80%(process_num)02d", "%(ENV_HOME)s/x"),
                ShellWords.split("app --port=80%(process_num)02d %(ENV_HOME)s/x"), "supervisord's expansions, kept whole");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellWords.split("echo %(a b)"))
                .getMessage().startsWith("contains an unquoted '(' at character 7"), "only %(name) is an expansion");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellWords.split("echo %()s"))
                .getMessage().startsWith("contains an unquoted '(' at character 7"));
    }

    @Test
    void readsSeveralDocumentsAndSkipsEmptyOnes() {
        ManifestFile file = loader.parse(FILE, """
                # leading comment
                ---
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: web}
                spec: {command: [a]}
                ---
                ---
                # nothing here
                ---
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: api}
                spec: {command: [b]}
                ...
                """);
        assertTrue(file.valid(), file.errors()::toString);
        assertEquals(List.of("web", "api"), file.programs().stream().map(ProgramSpec::name).toList());
        assertEquals(FILE, file.path());
    }

    @Test
    void emptyFilesAreValidAndEmpty() {
        for (String text : List.of("", "\n", "# only a comment\n", "---\n", "---\n---\n")) {
            ManifestFile file = loader.parse(FILE, text);
            assertTrue(file.valid(), text);
            assertEquals(List.of(), file.programs());
        }
    }

    @Test
    void loadsFromDisk(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("web.yaml");
        Files.writeString(path, "\uFEFF" + HEADER + "spec:\n  command: [sleep]\n");
        ManifestFile file = loader.load(path);
        assertTrue(file.valid(), file.errors()::toString);
        assertEquals(path, file.path());
        assertEquals("web", file.programs().get(0).name());
    }

    // ---- rejected files ------------------------------------------------------------------------------------

    @Test
    void unreadableFileIsOneErrorAtLineZero(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.yaml");
        ManifestError error = onlyError(loader.load(missing));
        assertEquals(new ManifestError(missing, 0, 0, "", "cannot be read: the file does not exist"), error);

        Path directory = Files.createDirectory(dir.resolve("dir.yaml"));
        assertEquals(0, onlyError(loader.load(directory)).line());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // opening the pipe would wait for ever
    void aFileThatIsNotRegularIsRefusedUnopenedAndSaysWhatToDo(@TempDir Path dir) throws Exception {
        String cure = ", not a regular file: a manifest must be a plain file or a symbolic link to one; remove it, or"
                + " rename it so that its name does not end in ";
        Path fifo = dir.resolve("fifo.yaml");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        assertEquals(new ManifestError(fifo, 0, 0, "", "is a named pipe (FIFO)" + cure + ".yaml"), onlyError(loader.load(fifo)));
        Path directory = Files.createDirectory(dir.resolve("dir.yaml"));
        assertEquals("is a directory" + cure + ".yaml", onlyError(loader.load(directory)).message());
        Path zero = Files.createSymbolicLink(dir.resolve("zero.yml"), Path.of("/dev/zero"));
        assertEquals("is a symbolic link to /dev/zero, a character device" + cure + ".yml", onlyError(loader.load(zero)).message());
        Path toPipe = Files.createSymbolicLink(dir.resolve("to-pipe.yaml"), Path.of("fifo.yaml"));
        assertEquals("is a symbolic link to fifo.yaml, a named pipe (FIFO)" + cure + ".yaml",
                onlyError(loader.load(toPipe)).message());
    }

    @Test
    void aManifestEveryUserCanWriteIsRefused(@TempDir Path dir) throws IOException {
        // The daemon runs its command as its own user (root, often): any user could have chosen it
        Path open = Files.writeString(dir.resolve("web.yaml"), "apiVersion: steward.dev/v1\nkind: Program\n"
                + "metadata: {name: web}\nspec: {command: [sleep, '1000']}\n");
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(new ManifestError(open, 0, 0, "", "is writable by every user (rw-rw-rw-): any of them could change what"
                + " the daemon runs; chmod o-w it"), onlyError(loader.load(open)));
        Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), Path.of("web.yaml"));
        assertEquals("is writable by every user (rw-rw-rw-): any of them could change what the daemon runs; chmod o-w it",
                onlyError(loader.load(link)).message(), "the file a link leads to is checked");
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
        assertEquals("web", loader.load(open).programs().get(0).name(), "a group the operator gave write permission may");
    }

    @Test
    void aLinkThatLeadsNowhereSaysWhereItPoints(@TempDir Path dir) throws IOException {
        Path dangling = Files.createSymbolicLink(dir.resolve("web.yaml"), dir.resolve("gone/web.yaml"));
        assertEquals(new ManifestError(dangling, 0, 0, "", "is a symbolic link to " + dir.resolve("gone/web.yaml")
                + ", which does not exist; create " + dir.resolve("gone/web.yaml") + ", point the link at a manifest file,"
                + " or remove the link"), onlyError(loader.load(dangling)));
        Path chained = Files.createSymbolicLink(dir.resolve("api.yaml"), Path.of("web.yaml"));
        assertEquals("is a symbolic link to web.yaml (and on to " + dir.resolve("gone/web.yaml") + "), which does not"
                + " exist; create " + dir.resolve("gone/web.yaml") + ", point the link at a manifest file, or remove the"
                + " link", onlyError(loader.load(chained)).message());

        Path loop = Files.createSymbolicLink(dir.resolve("a.yaml"), Path.of("b.yaml"));
        Files.createSymbolicLink(dir.resolve("b.yaml"), Path.of("a.yaml"));
        assertEquals("is a symbolic link that never reaches a file: its links go round in a circle (a.yaml -> b.yaml"
                + " -> a.yaml); point it at a manifest file, or remove it", onlyError(loader.load(loop)).message());
        Path self = Files.createSymbolicLink(dir.resolve("self.yaml"), Path.of("self.yaml"));
        assertEquals("is a symbolic link that never reaches a file: its links go round in a circle (self.yaml ->"
                + " self.yaml); point it at a manifest file, or remove it", onlyError(loader.load(self)).message());
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedAtItsFirstBadByte(@TempDir Path dir) throws IOException {
        Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xff, 'a', ':', ' ', (byte) 0xc3});
        assertEquals(new ManifestError(binary, 1, 1, "", "is not UTF-8 text (byte 0xff); save it as UTF-8 (iconv -f LATIN1"
                + " -t UTF-8, say)"), onlyError(loader.load(binary)));
        for (java.nio.charset.Charset utf16 : List.of(StandardCharsets.UTF_16, java.nio.charset.Charset.forName("x-UTF-16LE-BOM"))) {
            Path windows = dir.resolve("windows.yaml");
            Files.write(windows, (HEADER + "spec:\n  command: [a]\n").getBytes(utf16));
            assertEquals(new ManifestError(windows, 1, 1, "", "is UTF-16 text, not UTF-8 (it starts with UTF-16's byte-order"
                    + " mark, as Windows PowerShell's > writes files); save it as UTF-8 (iconv -f UTF-16 -t UTF-8, or Out-File"
                    + " -Encoding utf8)"), onlyError(loader.load(windows)), utf16.name());
        }
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, (HEADER + "  labels: {who: Jos\u00e9}\nspec:\n  command: [a]\n").getBytes(StandardCharsets.ISO_8859_1));
        ManifestError error = onlyError(loader.load(latin1));
        assertEquals(List.of(HEADER.split("\n").length + 1, 20, "is not UTF-8 text (byte 0xe9)"),
                List.of(error.line(), error.column(), error.message().substring(0, error.message().indexOf(';'))));
        Files.write(latin1, (HEADER + "  labels: {who: \u00e9\u00e9 Jos\u00e9}\nspec:\n  command: [a]\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), loader.load(latin1).errors(), "UTF-8, with characters of two bytes, reads");
    }

    @Test
    void tooLargeFileIsRefused(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, "#".repeat((int) ManifestLoader.MAX_FILE_BYTES + 1));
        assertTrue(onlyError(loader.load(big)).message().startsWith("is larger than 1024 KiB"));
    }

    @Test
    void wrongApiVersionAndKindSayWhatIsAccepted() {
        ManifestFile file = loader.parse(FILE,
                "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  command: [a]\n");
        assertEquals(List.of(
                new ManifestError(FILE, 1, 13, "apiVersion", "must be steward.dev/v1 (got \"v1\")"),
                new ManifestError(FILE, 2, 7, "kind", "must be Program (got \"Deployment\")")), file.errors());
        assertEquals(List.of(), file.programs());
    }

    @Test
    void missingRequiredFieldsPointAtTheirParent() {
        ManifestFile file = loader.parse(FILE, "kind: Program\nmetadata:\n  labels: {a: b}\nspec:\n  replicas: 1\n");
        assertEquals(List.of("1:1 apiVersion", "3:3 metadata.name", "5:3 spec.command"), places(file));
        assertTrue(file.errors().get(0).message().startsWith("is required; add it, e.g. apiVersion: steward.dev/v1"));

        file = loader.parse(FILE, "apiVersion: steward.dev/v1\nkind: Program\n");
        assertEquals(List.of("1:1 metadata", "1:1 spec"), places(file));
    }

    @Test
    void unknownFieldsSuggestTheClosestKnownOne() {
        ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n  replica: 2\n");
        assertEquals(new ManifestError(FILE, 7, 3, "spec.replica",
                        "unknown field \"replica\"; did you mean \"replicas\"?"),
                error);
        assertEquals("unknown field \"restart_policy\"; did you mean \"restartPolicy\"?",
                onlyError(HEADER + "spec:\n  command: [a]\n  restart_policy: Never\n").message());
        assertEquals("unknown field \"autorestart\"; did you mean \"restartPolicy\"?",
                onlyError(HEADER + "spec:\n  command: [a]\n  autorestart: Never\n").message());
        assertEquals("unknown field \"maxbytes\"; did you mean \"maxBytes\"?",
                onlyError(HEADER + "spec:\n  command: [a]\n  logs: {stdout: {maxbytes: 1}}\n").message());
        error = onlyError(HEADER + "spec:\n  command: [a]\n  colour: blue\n");
        assertTrue(error.message()
                        .startsWith("unknown field \"colour\"; the fields allowed here are command, directory"),
                error.message());
    }

    @Test
    void supervisorOptionsWithoutAFieldOfTheirNameSayWhatToWriteInstead() {
        ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n  stdout_logfile: /var/log/web.log\n");
        assertEquals(new ManifestError(FILE, 7, 3, "spec.stdout_logfile", "unknown field \"stdout_logfile\"; supervisord's"
                + " stdout_logfile is spec.logs.stdout.file here (logs: {stdout: {file: /var/log/app.log}}; AUTO and NONE as"
                + " in supervisord)"), error);
        assertTrue(onlyError(HEADER + "spec:\n  command: [a]\n  stderr_logfile_maxbytes: 1MB\n").message()
                .contains("is spec.logs.stderr.maxBytes here"));
        assertTrue(onlyError(HEADER + "spec:\n  command: [a]\n  redirect_stderr: true\n").message()
                .contains("is spec.logs.redirectStderr here"));
        // Those with no equivalent say so, and what to do instead.
        assertTrue(onlyError(HEADER + "spec:\n  command: [a]\n  process_name: \"%(program_name)s_%(process_num)02d\"\n")
                .message().startsWith("unknown field \"process_name\"; supervisord's process_name has no equivalent:"
                        + " processes are named after the program"));
        assertTrue(onlyError(HEADER + "spec:\n  command: [a]\n  numprocs_start: 1\n").message()
                .contains("replicas are numbered from 0"));
        assertTrue(onlyError(HEADER + "spec:\n  command: [a]\n  stdout_events_enabled: true\n").message()
                .contains("no event listeners"));
        assertTrue(onlyError(HEADER + "spec:\n  command: [a]\n  stderr_syslog: true\n").message()
                .contains("file: /dev/stdout"));
        assertTrue(onlyError(HEADER + "spec:\n  command: [a]\n  programs: web,worker\n").message()
                .contains("-l group="));
    }

    @Test
    void aMergeKeySaysItIsNotSupported() {
        ManifestFile file = loader.parse(FILE, HEADER + "spec:\n  <<: {command: [a]}\n");
        assertEquals(new ManifestError(FILE, 6, 3, "spec.<<", "YAML merge keys (<<: *name) are not supported; write the"
                + " fields out in each document"), file.errors().get(0));
        // inside a map of names (environment, labels), as docker-compose files often have it: not a variable named "<<"
        assertEquals(List.of(new ManifestError(FILE, 7, 17, "spec.environment.<<", "YAML merge keys (<<: *name) are not"
                + " supported; write the fields out in each document")),
                loader.parse(FILE, HEADER + "spec:\n  command: [a]\n  environment: {<<: {A: b}, C: d}\n").errors());
    }

    @Test
    void misplacedFieldsSayWhereTheyBelong() {
        ManifestError error = onlyError(HEADER + "replicas: 2\nspec:\n  command: [a]\n");
        assertEquals(new ManifestError(FILE, 5, 1, "replicas",
                "unknown field \"replicas\" here; it belongs under spec (spec.replicas)"), error);
        assertEquals("unknown field \"name\" here; it belongs under metadata (metadata.name)",
                onlyError(HEADER + "spec:\n  command: [a]\n  name: web\n").message());
        assertEquals("spec.redirectStderr",
                onlyError(HEADER + "spec:\n  command: [a]\n  redirectStderr: true\n").field());
    }

    @Test
    void wrongTypesSayWhatIsExpected() {
        assertEquals(new ManifestError(FILE, 7, 13, "spec.replicas",
                        "must be a whole number, from 0 to 10000 (got \"3\"); remove the quotes"),
                onlyError(HEADER + "spec:\n  command: [a]\n  replicas: \"3\"\n"));
        assertEquals("must be a whole number, from 0 to 10000 (got \"three\")",
                onlyError(HEADER + "spec:\n  command: [a]\n  replicas: three\n").message());
        assertEquals("must be a whole number, 0 or more (got 1.5)",
                onlyError(HEADER + "spec:\n  command: [a]\n  startSeconds: 1.5\n").message());
        assertEquals("must be a whole number, from 0 to 10000 (got nothing)",
                onlyError(HEADER + "spec:\n  command: [a]\n  replicas:\n").message());
        assertEquals(new ManifestError(FILE, 7, 14, "spec.exitCodes",
                        "must be a list such as [0, 2] (got a mapping)"),
                onlyError(HEADER + "spec:\n  command: [a]\n  exitCodes: {a: 1}\n"));
        assertEquals("must be true or false (got \"yes\"); write true (YAML 1.2 reads yes as text, not as true)",
                onlyError(HEADER + "spec:\n  command: [a]\n  autostart: yes\n").message());
        assertEquals("must be text (got a list)",
                onlyError(HEADER + "spec:\n  command: [a]\n  user: [root]\n").message());
        assertEquals("must be a mapping of fields such as stdout, stderr, redirectStderr (got \"AUTO\")",
                onlyError(HEADER + "spec:\n  command: [a]\n  logs: AUTO\n").message());
        assertEquals("must be a mapping such as {PORT: \"8080\"} (got a list)",
                onlyError(HEADER + "spec:\n  command: [a]\n  environment: [PORT=1]\n").message());
        assertEquals("spec.environment.PORT",
                onlyError(HEADER + "spec:\n  command: [a]\n  environment: {PORT: {a: 1}}\n").field());
        assertEquals("must be a whole number (got \"high\")",
                onlyError(HEADER + "spec:\n  command: [a]\n  priority: high\n").message());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "autostart: \"false\"       | spec.autostart | must be true or false (got \"false\"); remove the quotes",
            "stopAsGroup: 'true'        | spec.stopAsGroup | must be true or false (got \"true\"); remove the quotes",
            "killAsGroup: \"FALSE\"     | spec.killAsGroup | must be true or false (got \"FALSE\"); remove the quotes",
            "logs: {redirectStderr: \"True\"} | spec.logs.redirectStderr | must be true or false (got \"True\"); remove the quotes",
            "autostart: off             | spec.autostart | must be true or false (got \"off\"); write false (YAML 1.2 reads off as text, not as false)",
            "autostart: 1               | spec.autostart | must be true or false (got 1); write true (YAML 1.2 reads 1 as a number, not as true)",
            "autostart: \"maybe\"       | spec.autostart | must be true or false (got \"maybe\")",
    })
    void aBooleanWrittenAsTextSaysWhatToWrite(String line, String field, String message) {
        ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n  " + line + "\n");
        assertEquals(List.of(field, message), List.of(error.field(), error.message()));
    }

    @Test
    void negativeAndOutOfRangeNumbers() {
        assertEquals(new ManifestError(FILE, 7, 13, "spec.replicas", "must be from 0 to 10000 (got -1)"),
                onlyError(HEADER + "spec:\n  command: [a]\n  replicas: -1\n"));
        assertEquals("must be from 0 to 10000 (got 50000000)",
                onlyError(HEADER + "spec:\n  command: [a]\n  replicas: 50000000\n").message(), "a typo must not take the heap");
        assertEquals(new ManifestError(FILE, 7, 18, "spec.exitCodes[1]", "must be from 0 to 255 (got 256)"),
                onlyError(HEADER + "spec:\n  command: [a]\n  exitCodes: [0, 256]\n"));
        assertEquals("is too large (got 99999999999); use at most 2147483647",
                onlyError(HEADER + "spec:\n  command: [a]\n  stopTimeoutSeconds: 99999999999\n").message(),
                "not \"must be 0 or more\", which it is");
        assertEquals("is too large (got 2147483648); use at most 2147483647",
                onlyError(HEADER + "spec:\n  command: [a]\n  priority: 2147483648\n").message(), "not \"must be  (got ...)\"");
        assertEquals("is too small (got -2147483649); use at least -2147483648",
                onlyError(HEADER + "spec:\n  command: [a]\n  priority: -2147483649\n").message());
        assertEquals("spec.logs.stderr.backups",
                onlyError(HEADER + "spec:\n  command: [a]\n  logs: {stderr: {backups: -2}}\n").field());
        assertEquals("must not be negative (got -1); use 0 or more",
                onlyError(HEADER + "spec:\n  command: [a]\n  logs: {stdout: {maxBytes: -1}}\n").message());
    }

    @Test
    void aLogPathsSupervisorExpansionsAreCheckedWhereTheyAreWritten() {
        ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n  logs:\n    stdout:\n"
                + "      file: /var/log/%(proces_num)02d.log\n");
        assertEquals("9:13 spec.logs.stdout.file", error.line() + ":" + error.column() + " " + error.field());
        assertTrue(error.message().startsWith("unknown expansion %(proces_num); use program_name, process_name,"
                + " process_num"), error.message());
        assertTrue(onlyError(HEADER + "spec:\n  command: [a]\n  logs: {stderr: {file: \"/var/log/100%.log\"}}\n")
                .message().startsWith("a % must begin an expansion"));
        ProgramSpec spec = loader.parse(FILE, HEADER + "spec:\n  command: [a]\n  logs:\n    stdout:\n"
                + "      file: /var/log/%(program_name)s-%(process_num)02d.log\n").programs().get(0);
        assertEquals("/var/log/%(program_name)s-%(process_num)02d.log", spec.logs().stdout().file(),
                "kept as written: each process expands it");
    }

    @Test
    void aMalformedValueIsNotQuotedInItsErrorAsItMayBeASecret() {
        // A rejected file's first error is in /q/health/ready, which any local user (or the network) may read
        ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n  environment:\n"
                + "    DB_PASSWORD: \"hunter2-%(secret\"\n");
        assertEquals("spec.environment.DB_PASSWORD", error.field());
        assertEquals("a % must begin an expansion such as %(process_num)d, or be written %% for a percent sign (at character"
                + " 9 of the value)", error.message());
    }

    @Test
    void noMalformedExpansionQuotesTheValueItIsIn() {
        // Each shape of mistake, not only a % that begins nothing: /q/health/ready showed the whole password
        for (String value : List.of("hunter2%(secret)q", "hunter2%(secret)s", "hunter2%(process_num)",
                "hunter2%(program_name)d", "hunter2%(process_num)99999d")) {
            ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n  environment:\n    DB_PASSWORD: \"" + value
                    + "\"\n");
            assertEquals("spec.environment.DB_PASSWORD", error.field(), value);
            assertFalse(error.message().contains("hunter2"), error.message());
            assertTrue(error.message().endsWith(" (at character 8 of the value)"), error.message());
        }
    }

    @Test
    void anEnvironmentOrCommandOfTheWrongShapeIsNotQuotedInItsError() {
        // supervisord's environment=A="1",B="2" written as it was, and values under a tag of another tool's (!vault,
        // !!binary): /q/health/ready, which needs no token, showed each password whole
        Map<String, String> fields = Map.of(
                "  environment: DB_PASSWORD=\"hunter2\",USER=\"app\"\n", "spec.environment",
                "  environment: {DB_PASSWORD: !vault hunter2}\n", "spec.environment.DB_PASSWORD",
                "  environment: {DB_PASSWORD: !!binary aHVudGVyMg==}\n", "spec.environment.DB_PASSWORD",
                "  environment: 20240607\n", "spec.environment");
        fields.forEach((yaml, field) -> {
            ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n" + yaml);
            assertEquals(field, error.field(), yaml);
            assertFalse(error.message().contains("hunter2") || error.message().contains("aHVudGVyMg")
                    || error.message().contains("20240607"), error.message());
            assertTrue(error.message().endsWith(", not shown: it may be a password)"), error.message());
        });
        ManifestError argument = onlyError(HEADER + "spec:\n  command: [app, --password, !secret hunter2]\n");
        assertEquals("spec.command[2]", argument.field());
        assertEquals("must be text (got a value tagged !secret, not shown: it may be a password)", argument.message());
        assertEquals("must be a mapping such as {PORT: \"8080\"} (got text, not shown: it may be a password)",
                onlyError(HEADER + "spec:\n  command: [a]\n  environment: PORT=8080\n").message());
        assertEquals("must be text (got \"root\" tagged !custom)",
                onlyError(HEADER + "spec:\n  command: [a]\n  user: !custom root\n").message(), "other fields say what they got");
    }

    @Test
    void anEnvironmentOfSupervisordsNameEqualsValueInBracesIsNotQuotedInItsErrors() {
        // supervisord's environment=A="1",B="2" put in braces, or as keys: each NAME=value is a key, which errors named
        // whole, in /q/health/ready too, which needs no token
        for (String yaml : List.of("  environment: {DB_PASSWORD=\"hunter2\",USER=\"app\"}\n",
                "  environment:\n    DB_PASSWORD=hunter2:\n", "  environment: {DB_PASSWORD=hunter2: x, DB_PASSWORD=hunter2: y}\n")) {
            ManifestFile file = loader.parse(FILE, HEADER + "spec:\n  command: [a]\n" + yaml);
            assertFalse(file.errors().isEmpty(), yaml);
            for (ManifestError error : file.errors()) {
                assertFalse(error.toString().contains("hunter2"), error.toString());
            }
            ManifestError first = file.errors().get(0);
            assertEquals("spec.environment.DB_PASSWORD=...", first.field(), yaml);
        }
        ManifestError first = loader.parse(FILE, HEADER + "spec:\n  command: [a]\n  environment: {DB_PASSWORD=hunter2}\n")
                .errors().get(0);
        assertEquals("is a name and a value in one, as supervisord writes them (NAME=value, not shown here: it may be a"
                + " password); write each variable as NAME: value, as in {PORT: \"8080\"}", first.message());
        assertEquals("metadata.labels.a=b", onlyError(HEADER + "  labels: {a=b: [x]}\nspec:\n  command: [a]\n").field(),
                "a label's name is no secret");
    }

    @Test
    void expansionsInTheCommandEnvironmentAndDirectoryAreCheckedWhereTheyAreWritten() {
        ManifestError inList = onlyError(HEADER + "spec:\n  command: [app, \"--port=80%(proces_num)02d\"]\n");
        assertEquals("6:18 spec.command[1]", inList.line() + ":" + inList.column() + " " + inList.field());
        assertTrue(inList.message().startsWith("unknown expansion %(proces_num); use program_name"), inList.message());
        ManifestError inLine = onlyError(HEADER + "spec:\n  command: \"app --name %(program_name)d\"\n");
        assertEquals("6:12 spec.command", inLine.line() + ":" + inLine.column() + " " + inLine.field());
        assertTrue(inLine.message().startsWith("%(program_name)d needs a number"), inLine.message());
        ManifestError inEnvironment = onlyError(HEADER + "spec:\n  command: [a]\n  environment:\n"
                + "    PATH: \"/opt/bin:%(ENV_PATH)\"\n");
        assertEquals("8:11 spec.environment.PATH", inEnvironment.line() + ":" + inEnvironment.column() + " "
                + inEnvironment.field());
        assertTrue(inEnvironment.message().startsWith("%(ENV_PATH) must be followed by a conversion"), inEnvironment.message());
        ManifestError inDirectory = onlyError(HEADER + "spec:\n  command: [a]\n  directory: \"%(heer)s/app\"\n");
        assertEquals("7:14 spec.directory", inDirectory.line() + ":" + inDirectory.column() + " " + inDirectory.field());
        assertTrue(inDirectory.message().startsWith("unknown expansion %(heer); use program_name"), inDirectory.message());

        ManifestError ownFormat = onlyError(HEADER + "spec:\n  command: [a]\n  environment:\n"
                + "    LOG_FORMAT: \"%(asctime)s %(message)s\"\n");
        assertTrue(ownFormat.message().contains("to pass it as written (a format of the program's own), double its"
                + " percent sign: %%(asctime)"), ownFormat.message());
        assertEquals(List.of("echo", "100%", "%(process_num)d"), loader.parse(FILE, HEADER
                + "spec:\n  command: \"echo 100%% %(process_num)d\"\n").programs().get(0).command(),
                "a line with %( is one template, as supervisord's: its %% is a percent sign in every word");
        assertTrue(onlyError(HEADER + "spec:\n  command: \"echo 100% %(process_num)d\"\n").message()
                .startsWith("a % must begin an expansion"));
        assertTrue(onlyError(HEADER + "spec:\n  command: 'echo %\"(foo)s\"'\n").message()
                .startsWith("unknown expansion %(foo)"), "quotes that split %( in the line do not hide it from the check");
        assertEquals(List.of("echo", "100%%", "%(process_num)d"), loader.parse(FILE, HEADER
                + "spec:\n  command: [echo, \"100%%\", \"%(process_num)d\"]\n").programs().get(0).command(),
                "a list's items are each their own value");

        ProgramSpec spec = loader.parse(FILE, HEADER + "spec:\n  command: \"sh -c 'date +%s; echo 100%'\"\n"
                + "  environment: {FORMAT: \"%d %s\", PATH: \"/opt/bin:%(ENV_PATH)s\"}\n  directory: /srv/%(program_name)s\n")
                .programs().get(0);
        assertEquals(List.of("sh", "-c", "date +%s; echo 100%"), spec.command(), "without %(, a value is as written");
        assertEquals("%d %s", spec.environment().get("FORMAT"));
        assertEquals("/opt/bin:%(ENV_PATH)s", spec.environment().get("PATH"), "kept as written: each process expands it");
        assertEquals(Optional.of("/srv/%(program_name)s"), spec.directory());
    }

    @Test
    void hereIsAcceptedWhereverExpansionsAreAndKeptForTheStart(@TempDir Path dir) throws IOException {
        // A ConfigMap's layout: the file a link into a hidden directory (which %(here)s must not name)
        Path data = Files.createDirectories(dir.resolve("..2026_01_01_00_00_00.1"));
        Files.writeString(data.resolve("web.yaml"), HEADER + """
                spec:
                  command: ["%(here)s/bin/app", "--config=%(here)s/app.conf"]
                  directory: "%(here)s"
                  environment: {CONF: "%(here)s/conf.d", PATH: "%(here)s/bin:%(ENV_PATH)s"}
                  logs:
                    stdout: {file: "%(here)s/web.out.log"}
                    stderr: {file: "%(here)s/../logs/%(program_name)s.err.log"}
                ---
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: line}
                spec:
                  command: "%(here)s/bin/app --config=%(here)s/app.conf"
                """);
        Files.createSymbolicLink(dir.resolve("web.yaml"), data.getFileName().resolve("web.yaml"));

        ManifestFile file = loader.load(dir.resolve("web.yaml"));

        assertTrue(file.valid(), file.errors()::toString);
        ProgramSpec web = file.programs().get(0);
        assertEquals(List.of("%(here)s/bin/app", "--config=%(here)s/app.conf"), web.command(),
                "kept as written: each process expands it, to the directory it is read from");
        assertEquals(Optional.of("%(here)s"), web.directory());
        assertEquals(Map.of("CONF", "%(here)s/conf.d", "PATH", "%(here)s/bin:%(ENV_PATH)s"), web.environment());
        assertEquals("%(here)s/web.out.log", web.logs().stdout().file());
        assertEquals("%(here)s/../logs/%(program_name)s.err.log", web.logs().stderr().file());
        assertEquals(List.of("%(here)s/bin/app", "--config=%(here)s/app.conf"), file.programs().get(1).command());
    }

    @Test
    void badByteSizes() {
        ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n  logs:\n    stdout:\n      maxBytes: lots\n");
        assertEquals("9:17 spec.logs.stdout.maxBytes", error.line() + ":" + error.column() + " " + error.field());
        assertTrue(error.message().startsWith("is not a byte size (got \"lots\")"), error.message());
        assertTrue(onlyError(HEADER + "spec:\n  command: [a]\n  logs: {stdout: {maxBytes: -5Mi}}\n").message()
                .startsWith("must not be negative"));
    }

    @Test
    void badNames() {
        assertEquals(new ManifestError(FILE, 4, 9, "metadata.name", "must be a DNS label: at most 63 lowercase"
                        + " letters, digits and '-', starting and ending with a letter or digit (got \"Web_1\");"
                        + " try \"web-1\""),
                onlyError(HEADER.replace("web", "Web_1") + "spec:\n  command: [a]\n"));
        String tooLong = "a".repeat(64);
        assertTrue(onlyError(HEADER.replace("web", tooLong) + "spec:\n  command: [a]\n").message()
                .endsWith("; try \"" + "a".repeat(63) + "\""));
        single(HEADER.replace("web", "a".repeat(63)) + "spec:\n  command: [a]\n");
        single(HEADER.replace("web", "0-x-9") + "spec:\n  command: [a]\n");
        assertEquals("metadata.name", onlyError(HEADER.replace("web", "-web") + "spec:\n  command: [a]\n").field());
        assertEquals("metadata.name", onlyError(HEADER.replace("web", "\"\"") + "spec:\n  command: [a]\n").field());
    }

    @Test
    void unknownSignal() {
        ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n  stopSignal: SIGFOO\n");
        assertEquals("7:15 spec.stopSignal", error.line() + ":" + error.column() + " " + error.field());
        assertTrue(error.message().startsWith("unknown signal \"SIGFOO\"; use one of HUP, INT"), error.message());
        assertTrue(onlyError(HEADER + "spec:\n  command: [a]\n  stopSignal: 99\n").message().contains("out of range"));
    }

    @Test
    void unknownRestartPolicy() {
        assertEquals(new ManifestError(FILE, 7, 18, "spec.restartPolicy",
                        "must be one of Always, OnFailure, Never (got \"sometimes\")"),
                onlyError(HEADER + "spec:\n  command: [a]\n  restartPolicy: sometimes\n"));
        assertEquals("must be one of Always, OnFailure, Never (got \"onfailure\"); did you mean \"OnFailure\"?",
                onlyError(HEADER + "spec:\n  command: [a]\n  restartPolicy: onfailure\n").message());
    }

    @Test
    void supervisorsAutorestartValuesSayWhichPolicyTheyAre() {
        assertEquals("must be one of Always, OnFailure, Never (got \"unexpected\"); supervisord's autorestart=unexpected"
                        + " is restartPolicy: OnFailure",
                onlyError(HEADER + "spec:\n  command: [a]\n  restartPolicy: unexpected\n").message());
        assertEquals("must be one of Always, OnFailure, Never (got \"true\"); supervisord's autorestart=true"
                        + " is restartPolicy: Always",
                onlyError(HEADER + "spec:\n  command: [a]\n  restartPolicy: true\n").message());
        assertEquals("must be one of Always, OnFailure, Never (got \"False\"); supervisord's autorestart=false"
                        + " is restartPolicy: Never",
                onlyError(HEADER + "spec:\n  command: [a]\n  restartPolicy: False\n").message());
    }

    @Test
    void restartBackoffTakesKubernetesValuesForTheFieldsItLeavesOut() {
        assertEquals(Optional.empty(), single(HEADER + "spec:\n  command: [a]\n").restartBackoff(), "off unless asked for");
        assertEquals(Optional.of(new RestartBackoff(10, 300, 600)),
                single(HEADER + "spec:\n  command: [a]\n  restartBackoff: {}\n").restartBackoff());
        assertEquals(Optional.of(new RestartBackoff(10, 60, 600)),
                single(HEADER + "spec:\n  command: [a]\n  restartBackoff:\n    maxSeconds: 60\n").restartBackoff());
        assertEquals(Optional.of(new RestartBackoff(600, 600, 600)),
                single(HEADER + "spec:\n  command: [a]\n  restartBackoff: {initialSeconds: 600}\n").restartBackoff(),
                "a maximum left out yields to the initial wait written");
        assertEquals(Optional.of(new RestartBackoff(5, 5, 600)),
                single(HEADER + "spec:\n  command: [a]\n  restartBackoff: {maxSeconds: 5}\n").restartBackoff(),
                "an initial wait left out yields to the maximum written");
        assertEquals(Optional.of(new RestartBackoff(1, 1, 1)), single(HEADER
                + "spec:\n  command: [a]\n  restartBackoff: {initialSeconds: 1, maxSeconds: 1, resetSeconds: 1}\n").restartBackoff());
    }

    @Test
    void badRestartBackoff() {
        String spec = HEADER + "spec:\n  command: [a]\n  restartBackoff:";
        String howTo = "; write `restartBackoff: {}` for Kubernetes' defaults, or remove the field";
        assertEquals(new ManifestError(FILE, 7, 19, "spec.restartBackoff", "must be a mapping of fields such as"
                + " initialSeconds, maxSeconds, resetSeconds (got true)" + howTo), onlyError(spec + " true\n"));
        assertEquals("must be a mapping of fields such as initialSeconds, maxSeconds, resetSeconds (got false)" + howTo,
                onlyError(spec + " false\n").message());
        assertEquals("must be a mapping of fields such as initialSeconds, maxSeconds, resetSeconds (got nothing)" + howTo,
                onlyError(spec + "\n").message());
        assertEquals(new ManifestError(FILE, 8, 5, "spec.restartBackoff.initialSecond",
                "unknown field \"initialSecond\"; did you mean \"initialSeconds\"?"), onlyError(spec + "\n    initialSecond: 5\n"));
        assertEquals(new ManifestError(FILE, 8, 21, "spec.restartBackoff.initialSeconds", "must be at least 1 (got 0)"),
                onlyError(spec + "\n    initialSeconds: 0\n"));
        assertEquals(new ManifestError(FILE, 8, 19, "spec.restartBackoff.resetSeconds", "must be at least 1 (got -5)"),
                onlyError(spec + "\n    resetSeconds: -5\n"));
        assertEquals(new ManifestError(FILE, 8, 17, "spec.restartBackoff.maxSeconds",
                "must be a whole number, at least 1 (got \"60\"); remove the quotes"), onlyError(spec + "\n    maxSeconds: \"60\"\n"));
        assertEquals(new ManifestError(FILE, 8, 21, "spec.restartBackoff.initialSeconds",
                "must not exceed maxSeconds, 30 (got 60); lower initialSeconds or raise maxSeconds"),
                onlyError(spec + "\n    initialSeconds: 60\n    maxSeconds: 30\n"));
        assertEquals(new ManifestError(FILE, 7, 3, "spec.maxSeconds", "unknown field \"maxSeconds\" here; it belongs"
                + " under spec.restartBackoff (spec.restartBackoff.maxSeconds)"), onlyError(HEADER + "spec:\n  command: [a]\n  maxSeconds: 60\n"));
    }

    @Test
    void badUmask() {
        for (String umask : List.of("\"999\"", "1777", "\"abc\"", "[1]", "0x12", "\"\"")) {
            ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n  umask: " + umask + "\n");
            assertEquals("spec.umask", error.field());
            assertTrue(error.message().startsWith("must be an octal number from 000 to 777"), error.message());
        }
    }

    @Test
    void badEnvironmentAndLabels() {
        ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n  environment:\n    MY-VAR: x\n");
        assertEquals(new ManifestError(FILE, 8, 5, "spec.environment.MY-VAR", "is not a valid environment variable"
                + " name; use letters, digits and '_', not starting with a digit"), error);
        assertEquals("spec.environment.1X",
                onlyError(HEADER + "spec:\n  command: [a]\n  environment: {1X: a}\n").field());
        assertEquals("metadata.labels.tier", onlyError("apiVersion: steward.dev/v1\nkind: Program\n"
                + "metadata:\n  name: web\n  labels: {tier: [a]}\nspec: {command: [a]}\n").field());
    }

    @Test
    void badCommands() {
        ManifestError error = onlyError(HEADER + "spec:\n  command: \"python3 -c 'oops\"\n");
        assertEquals("6:12 spec.command", error.line() + ":" + error.column() + " " + error.field());
        assertTrue(error.message().startsWith("has an unterminated single quote starting at character 12"),
                error.message());

        error = onlyError(HEADER + "spec:\n  command: [python3, -c, {a: 1}]\n");
        assertEquals(new ManifestError(FILE, 6, 26, "spec.command[2]", "must be text (got a mapping)"), error);

        assertEquals("must name the program to run, e.g. [\"python3\", \"-m\", \"http.server\"]",
                onlyError(HEADER + "spec:\n  command: []\n").message());
        assertEquals("spec.command", onlyError(HEADER + "spec:\n  command: \"  \"\n").field());
        assertEquals("spec.command[0]", onlyError(HEADER + "spec:\n  command: [\"\", x]\n").field());
        assertTrue(onlyError(HEADER + "spec:\n  command:\n").message().startsWith("must be a list of arguments"));
        assertTrue(onlyError(HEADER + "spec:\n  command: {a: b}\n").message().endsWith("(got a mapping)"));
        assertTrue(onlyError(HEADER + "spec:\n  command: app > out.log\n").message()
                .startsWith("contains an unquoted '>'"));
    }

    @Test
    void aNulCharacterInAnyTextIsRefusedWhereItIsWritten() {
        // Escaped in double quotes, it is valid YAML; but the child would get the text cut at it (an argument, an
        // environment value), and a program name holding one failed every start with an internal error.
        assertEquals(new ManifestError(FILE, 6, 13, "spec.command[0]", "contains a NUL character (character 3, written"
                        + " \\0 or \\x00 in double quotes), which no argument, path or environment value can hold; remove it"),
                onlyError(HEADER + "spec:\n  command: [\"tr\\0ue\"]\n"));
        assertEquals("spec.command[1]", onlyError(HEADER + "spec:\n  command: [echo, \"a\\x00b\"]\n").field());
        assertEquals("spec.command", onlyError(HEADER + "spec:\n  command: \"sleep 1\\0\"\n").field());
        assertEquals("spec.environment.X",
                onlyError(HEADER + "spec:\n  command: [a]\n  environment: {X: \"a\\0b\"}\n").field());
        assertEquals("spec.directory", onlyError(HEADER + "spec:\n  command: [a]\n  directory: \"/tmp\\0x\"\n").field());
        assertEquals("spec.logs.stdout.file",
                onlyError(HEADER + "spec:\n  command: [a]\n  logs: {stdout: {file: \"a\\0.log\"}}\n").field());
    }

    @Test
    void duplicateFieldsAreReported() {
        ManifestError error = onlyError(HEADER + "spec:\n  command: [a]\n  replicas: 1\n  replicas: 2\n");
        assertEquals(new ManifestError(FILE, 8, 3, "spec.replicas", "is given twice (first at line 7); remove one of"
                + " them"), error);
    }

    @Test
    void duplicateProgramNamesInOneFile() {
        ManifestFile file = loader.parse(FILE,
                HEADER + "spec: {command: [a]}\n---\n" + HEADER + "spec: {command: [b]}\n");
        assertEquals(List.of(new ManifestError(FILE, 10, 9, "metadata.name", "program \"web\" is already defined at"
                + " line 4 of this file; names must be unique, rename or remove one of them")), file.errors());
        assertEquals(List.of(), file.programs());
    }

    @Test
    void yamlSyntaxErrors() {
        ManifestError error = onlyError("apiVersion: steward.dev/v1\nkind: Program\n  metadata: x\n");
        assertEquals("3:11 ", error.line() + ":" + error.column() + " " + error.field());
        assertTrue(error.message().startsWith("invalid YAML: mapping values are not allowed here"), error.message());
        assertTrue(error.message().endsWith("check the indentation, quotes and brackets around here"));

        error = onlyError(HEADER + "spec:\n  command: [a, b\n  replicas: 2\n");
        assertEquals(7, error.line());
        assertTrue(error.message().contains("while parsing a flow sequence that starts at line 6, column 12"),
                error.message());
    }

    @Test
    void aTabAtTheEndOfALineIsTakenAsYaml12TakesIt() {
        // snakeyaml-engine refused it after a list or a quoted value ("Do not use \t(TAB) for indentation")
        ProgramSpec web = single(HEADER + "spec:\t\n  command: [\"true\"]\t\n  environment: {A: \"1\"}\t \t# note\t\n"
                + "  directory: '/srv'\t\n\t\n  user: \"www\"\t");
        assertEquals(List.of("true"), web.command());
        assertEquals(Map.of("A", "1"), web.environment());
        assertEquals(Optional.of("/srv"), web.directory());
        assertEquals(Optional.of("www"), web.user());
        // A tab inside a value stays, and errors keep their place
        ProgramSpec script = single(HEADER + "spec:\n  command: [sh]\t\n  environment:\n    S: |\n      a\t\n      b\n");
        assertEquals(Map.of("S", "a\t\nb\n"), script.environment());
        assertEquals(new ManifestError(FILE, 7, 13, "spec.replicas", "must be a whole number, from 0 to 10000 (got \"2\");"
                + " remove the quotes"), onlyError(HEADER + "spec:\n  command: [a]\t\n  replicas: \"2\"\t\n"));
    }

    @Test
    void aTabElsewhereSaysWhereAndWhatToDo() {
        assertEquals(new ManifestError(FILE, 7, 1, "", "invalid YAML: a tab in the indentation, where YAML allows only spaces;"
                + " indent with spaces"), onlyError(HEADER + "spec:\n  command: [a]\n\treplicas: 2\n"));
        assertEquals(new ManifestError(FILE, 6, 15, "", "invalid YAML: a tab between two parts of the line, which this reader"
                + " does not take there (only at the end of a line or after a plain value); replace it with a space"),
                onlyError(HEADER + "spec:\n  command: [a,\tb]\n"));
    }

    @Test
    void hostileYamlIsAnErrorNotACrash() {
        ManifestError error = onlyError("[".repeat(200_000) + "]".repeat(200_000));
        assertEquals(new ManifestError(FILE, 0, 0, "",
                        "is nested too deeply to read; a manifest needs only a few levels"),
                error);
        error = onlyError("a: &a [x]\nb: [" + "*a, ".repeat(60) + "*a]\n");
        assertTrue(error.message().startsWith("is not valid YAML: Number of aliases"), error.message());
        assertTrue(error.message().endsWith("; a manifest needs few aliases (*name): write those values out"),
                error.message());
        assertEquals("must be text (got \"root\" tagged !custom)",
                onlyError(HEADER + "spec:\n  command: [a]\n  user: !custom root\n").message());
    }

    @Test
    void aCharacterYamlDoesNotAllowIsReportedWhereItIs() {
        // A NUL byte, a bell, a stray escape from a terminal: snakeyaml-engine says only "special characters are not
        // allowed", with no line
        String message = "has a character that YAML does not allow in a file, U+0000 (a control character); remove it";
        assertEquals(new ManifestError(FILE, 6, 16, "", message), onlyError(HEADER + "spec:\n  command: [\"tr\0ue\"]\n"));
        assertEquals(new ManifestError(FILE, 1, 3, "", message.replace("0000", "0007")), onlyError("a:\007\n"));
        String bom = String.valueOf((char) 0xFEFF);
        assertEquals(new ManifestError(FILE, 2, 7, "", message.replace("0000", "001B")),
                onlyError(bom + "apiVersion: steward.dev/v1\nkind: \033Program\n"), "the byte order mark is no column");
    }

    @Test
    void anAliasToAnotherDocumentsAnchorSaysAnchorsStayInTheirDocument() {
        ManifestError error = onlyError(HEADER + "spec: {command: &c [a]}\n---\n" + HEADER.replace("web", "db")
                + "spec: {command: *c}\n");
        assertEquals(new ManifestError(FILE, 11, 17, "", "invalid YAML: found undefined alias c; define the anchor &c"
                + " earlier in the same document, since anchors do not reach into other documents (---), or write the value"
                + " out"), error);
    }

    @Test
    void documentsMustBeMappings() {
        ManifestError error = onlyError("- a\n- b\n");
        assertEquals(new ManifestError(FILE, 1, 1, "", "must be a mapping of fields such as apiVersion, kind,"
                + " metadata, spec (got a list)"), error);
    }

    @Test
    void collectsErrorsOfAllDocuments() {
        ManifestFile file = loader.parse(FILE, """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: web}
                spec: {command: [a], replicas: -1, autostart: maybe}
                ---
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: api}
                spec: {command: [b]}
                ---
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: Bad}
                spec: {command: [c], stopSignal: NOPE}
                """);
        assertEquals(List.of("4:32 spec.replicas", "4:47 spec.autostart", "13:18 metadata.name",
                        "14:34 spec.stopSignal"),
                places(file));
        assertEquals(List.of(), file.programs(), "a file is rejected as a whole");
    }

    @Test
    void errorsAreInFileOrder() {
        // Unknown fields are found before values are checked; the report still reads top to bottom.
        ManifestFile file = loader.parse(FILE, HEADER + "spec:\n  replicas: x\n  command: [a]\n  colour: red\n");
        assertEquals(List.of("6:13 spec.replicas", "8:3 spec.colour"), places(file));
    }

    @Test
    void errorsBeforeASyntaxErrorAreKept() {
        ManifestFile file = loader.parse(FILE, HEADER + "spec: {command: [a], replicas: x}\n---\nfoo: [\n");
        assertEquals(List.of("5:32 spec.replicas", "8:1 "), places(file));
    }

    private ProgramSpec single(String yaml) {
        ManifestFile file = loader.parse(FILE, yaml);
        assertEquals(List.of(), file.errors());
        assertEquals(1, file.programs().size());
        return file.programs().get(0);
    }

    private ManifestError onlyError(String yaml) {
        return onlyError(loader.parse(FILE, yaml));
    }

    private static ManifestError onlyError(ManifestFile file) {
        assertEquals(1, file.errors().size(), file.errors()::toString);
        assertEquals(List.of(), file.programs());
        return file.errors().get(0);
    }

    private static List<String> places(ManifestFile file) {
        return file.errors().stream().map(e -> e.line() + ":" + e.column() + " " + e.field())
                .collect(Collectors.toList());
    }

    /**
     * The plain documents before one that is not are read again by snakeyaml-engine, from the start, and only then: the
     * first reading's programs and errors are not kept (each document is read as it is composed, not all composed first).
     */
    @Test
    void aDocumentOutsideThePlainSubsetAfterPlainOnesHasTheWholeFileReadBySnakeyaml() {
        String plain = HEADER + "spec:\n  command: [a]\n  replicas: -1\n";
        String indentless = "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: db}\n"
                + "spec:\n  command:\n  - b\n  priority: 5\n";
        ManifestFile valid = loader.parse(FILE, HEADER + "spec:\n  command: [a]\n---\n" + indentless);
        assertEquals(List.of(), valid.errors());
        assertEquals(List.of("web", "db"), valid.programs().stream().map(ProgramSpec::name).toList());

        ManifestFile invalid = loader.parse(FILE, plain + "---\n" + indentless + "  bogus: 1\n");
        assertEquals(List.of("7:13 spec.replicas", "16:3 spec.bogus"), places(invalid), "each error once");
    }

    @Test
    void anInvalidFileStillSaysWhichProgramsItsProgramDocumentsNameAndWhere() {
        String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec: {}\n";
        String brokenDb = "apiVersion: steward.dev/v1\nkind: Program\nmetadata:\n  name: db\nspec:\n  replicas: -1\n";
        ManifestLoader.Parsed parsed = new ManifestLoader().parseWithPositions(Path.of("m.yaml"), deployment + "---\n" + brokenDb);
        assertFalse(parsed.file().valid());
        assertEquals(Map.of("db", new NodeReader.Position(10, 9)), parsed.namePositions(), "not the Deployment's web");

        ManifestLoader.Parsed notYaml = new ManifestLoader().parseWithPositions(Path.of("m.yaml"),
                HEADER + "spec:\n  command: [a]\n---\n" + HEADER + "spec:\n  command: [\"unclosed]\n");
        assertFalse(notYaml.file().valid());
        assertEquals(Map.of(), notYaml.namePositions(), "not YAML: the documents before the break name nothing either");
    }
}
