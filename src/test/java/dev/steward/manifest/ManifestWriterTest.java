package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.manifest.ManifestWriter.Action;
import dev.steward.manifest.ManifestWriter.Change;
import dev.steward.manifest.ManifestWriter.Outcome;
import dev.steward.manifest.ManifestWriter.Submitted;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Apply and delete: which file is written, and that everything else in it is kept byte for byte. */
class ManifestWriterTest {

    static final String WEB = """
            apiVersion: steward.dev/v1
            kind: Program
            metadata:
              name: web
            spec:
              command: [sleep, "100"]   # keep it short
            """;
    static final String API = """
            # the API server
            apiVersion: steward.dev/v1
            kind: Program
            metadata:
              name: api
              labels: {tier: backend}
            spec:
              command: ["/bin/api", "--port", "9000"]
              logs:
                stdout: {maxBytes: 1Mi}
            """;

    @TempDir
    Path dir;

    ManifestWriter writer() {
        return new ManifestWriter(dir);
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    String read(String name) throws IOException {
        return Files.readString(file(name));
    }

    void write(String name, String text) throws IOException {
        Files.writeString(file(name), text);
    }

    List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void newProgramGetsItsOwnFileWithTheSubmittedText() throws IOException {
        Outcome outcome = writer().apply(WEB, Map.of(), Map.of(), false);
        assertTrue(outcome.valid());
        Change change = outcome.changes().get(0);
        assertEquals(Action.CREATED, change.action());
        assertEquals(file("web.yaml"), change.file());
        assertTrue(change.before().isEmpty());
        assertEquals(WEB, read("web.yaml"));
        assertEquals(List.of("web.yaml"), listing(), "no temp file is left behind");
    }

    @Test
    void tabsEndingLinesAreAppliedAndScaledAsTheLoaderReadsThem() throws IOException {
        // The loader takes them (YAML 1.2); splitting the text into documents threw, an apply's 500 "internal error"
        String tabbed = WEB.replace("\n", "\t\n");
        assertEquals(Action.CREATED, writer().apply(tabbed, Map.of(), Map.of(), false).changes().get(0).action());
        assertEquals(tabbed, read("web.yaml"));
        ProgramSpec web = new ManifestLoader().load(file("web.yaml")).programs().get(0);
        writer().scale("web", 3, Map.of("web", file("web.yaml")), Map.of("web", web), false);
        assertEquals(3, new ManifestLoader().load(file("web.yaml")).programs().get(0).replicas(), read("web.yaml"));
    }

    @Test
    void aReadOnlyFileSystemIsAdvisedAsOneWhereOtherFailuresPointAtTheUserAndRoom() {
        // A read-only mount needs root to make in a test; the kernel's reason is what tells it apart.
        Path where = Path.of("/etc/steward/manifests");
        assertEquals(where + " is on a read-only file system (a ConfigMap or a read-only volume): change the manifests"
                        + " where they come from, or mount the directory writable",
                ManifestWriter.failure(new java.nio.file.FileSystemException("/x.yaml", null, "Read-only file system"), where, true));
        assertEquals("No space left on device; check that the daemon's user may write to " + where
                        + " and that its file system has room",
                ManifestWriter.failure(new java.nio.file.FileSystemException("/x.yaml", null, "No space left on device"), where, true));
        assertEquals("permission denied; check that the daemon's user may write to " + where,
                ManifestWriter.failure(new java.nio.file.AccessDeniedException("/x.yaml"), where, false));
    }

    @Test
    void aReadOnlyMountIsToldApartInAnyLanguage() throws Exception {
        // The JDK gives the kernel's reason in the system's language: a German one reads "Das Dateisystem ist nur lesbar".
        Path mount = Files.createDirectories(dir.resolve("mount"));
        org.junit.jupiter.api.Assumptions.assumeTrue(run("mount", "--bind", dir.toString(), mount.toString())
                && run("mount", "-o", "remount,ro,bind", mount.toString()), "a read-only bind mount needs root and CAP_SYS_ADMIN");
        try {
            assertTrue(ManifestWriter.failure(new java.nio.file.FileSystemException("/x.yaml", null,
                    "Das Dateisystem ist nur lesbar"), mount, true).startsWith(mount + " is on a read-only file system"));
            assertTrue(ManifestWriter.failure(new java.nio.file.FileSystemException("/x.yaml", null,
                    "Auf dem Gerät ist kein Speicherplatz mehr verfügbar"), dir, true).contains("its file system has room"));
        } finally {
            run("umount", mount.toString());
        }
    }

    private static boolean run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return process.waitFor() == 0;
    }

    @Test
    void aFileThatCannotBeWrittenIsAWriteErrorNamingItAndWhatToCheck() throws IOException {
        // A directory where the temp file would go cannot be written as a file, even by root.
        Files.createDirectories(file(".web.yaml.tmp").resolve("in-the-way"));

        ManifestWriteException e = assertThrows(ManifestWriteException.class, () -> writer().apply(WEB, Map.of(), Map.of(), false));

        assertTrue(e.getMessage().startsWith("cannot write " + file("web.yaml") + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("check that the daemon's user may write to " + dir), e.getMessage());
        assertEquals(List.of(".web.yaml.tmp"), listing(), "nothing written");
    }

    @Test
    void anApplyOfSeveralFilesOneOfWhichCannotBeWrittenWritesNone() throws IOException {
        write("web.yaml", WEB);
        Files.createDirectories(file(".api.yaml.tmp").resolve("in-the-way")); // api.yaml cannot be written, even by root

        ManifestWriteException e = assertThrows(ManifestWriteException.class, () -> writer().apply(
                WEB.replace("\"100\"", "\"200\"") + "---\n" + API, Map.of("web", file("web.yaml")), Map.of(), false));

        assertTrue(e.getMessage().startsWith("cannot write " + file("api.yaml") + ": "), e.getMessage());
        assertEquals(WEB, read("web.yaml"), "web.yaml, written first, is left as it was: the answer says nothing changed");
        assertEquals(List.of(".api.yaml.tmp", "web.yaml"), listing(), "no temporary file left");
    }

    @Test
    void sameProgramAgainIsUnchangedAndTheFileIsNotTouched() throws IOException {
        String commented = "# hand-written\n" + WEB.replace("[sleep, \"100\"]", "sleep 100");
        write("web.yaml", commented);
        Outcome outcome = writer().apply(WEB, Map.of(), Map.of(), false);
        assertEquals(Action.UNCHANGED, outcome.changes().get(0).action());
        assertEquals(commented, read("web.yaml"));
    }

    @Test
    void changedProgramReplacesOnlyItsDocument() throws IOException {
        String original = "# file header\n" + API + "# about web\n---\n# web's own comment\n" + WEB
                + "---\n# trailing note\n";
        write("all.yaml", original);
        String changed = WEB.replace("\"100\"", "\"200\"");
        Outcome outcome = writer().apply(changed, Map.of("web", file("all.yaml")), Map.of(), false);
        Change change = outcome.changes().get(0);
        assertEquals(Action.CONFIGURED, change.action());
        assertEquals(file("all.yaml"), change.file());
        assertEquals(List.of("sleep", "100"), change.before().orElseThrow().command());
        assertEquals(List.of("sleep", "200"), change.after().orElseThrow().command());
        assertEquals(original.replace("\"100\"", "\"200\""), read("all.yaml"));
        assertEquals(List.of("all.yaml"), listing());
    }

    @Test
    void jsonIsWrittenAsBlockYaml() throws IOException {
        String json = """
                {"apiVersion": "steward.dev/v1", "kind": "Program",
                 "metadata": {"name": "web", "labels": {"tier": "frontend"}},
                 "spec": {"command": ["sleep", "100"], "umask": "022", "replicas": 2}}
                """;
        Outcome outcome = writer().apply(json, Map.of(), Map.of(), false);
        assertEquals(Action.CREATED, outcome.changes().get(0).action());
        String written = read("web.yaml");
        assertFalse(written.contains("{\"") || written.contains("\"apiVersion\""), written);
        assertTrue(written.contains("umask: '022'"), written);
        ManifestFile back = new ManifestLoader().parse(file("web.yaml"), written);
        assertEquals(outcome.changes().get(0).after().orElseThrow(), back.programs().get(0));
    }

    @Test
    void invalidManifestReportsErrorsAndWritesNothing() throws IOException {
        Outcome outcome = writer().apply(WEB + "---\n" + API.replace("command:", "comand:"), Map.of(), Map.of(), false);
        assertFalse(outcome.valid());
        ManifestError error = outcome.errors().stream().filter(e -> e.field().equals("spec.comand")).findFirst()
                .orElseThrow();
        assertEquals(ManifestWriter.REQUEST, error.file());
        assertEquals(15, error.line());
        assertEquals(3, error.column());
        assertEquals(List.of(), listing());
    }

    @Test
    void emptyBodyIsAnError() {
        Outcome outcome = writer().apply("# nothing\n", Map.of(), Map.of(), false);
        assertFalse(outcome.valid());
        assertTrue(outcome.errors().get(0).message().contains("no Program document"));
    }

    @Test
    void severalDocumentsGoToTheirOwnFiles() throws IOException {
        write("api.yaml", API);
        Outcome outcome = writer().apply(API.replace("9000", "9001") + "---\n" + WEB, Map.of(), Map.of(), false);
        assertEquals(List.of(Action.CONFIGURED, Action.CREATED),
                outcome.changes().stream().map(Change::action).toList());
        assertEquals(API.replace("9000", "9001"), read("api.yaml"));
        assertEquals(WEB, read("web.yaml"));
    }

    @Test
    void dryRunWritesNothing() throws IOException {
        write("api.yaml", API);
        Outcome outcome = writer().apply(API.replace("9000", "9001") + "---\n" + WEB, Map.of(), Map.of(), true);
        assertEquals(2, outcome.changes().size());
        assertEquals(API, read("api.yaml"));
        assertEquals(List.of("api.yaml"), listing());
    }

    @Test
    void theFileInForceWinsOverOthersDefiningTheName() throws IOException {
        write("a.yaml", WEB);
        write("b.yaml", WEB);
        String changed = WEB.replace("\"100\"", "\"5\"");
        writer().apply(changed, Map.of("web", file("b.yaml")), Map.of(), false);
        assertEquals(WEB, read("a.yaml"));
        assertEquals(changed, read("b.yaml"));
        // Without a source from the daemon, the first file by name holds it, as the watcher decides.
        writer().apply(changed, Map.of(), Map.of(), false);
        assertEquals(changed, read("a.yaml"));
    }

    @Test
    void aNewProgramKeepsTheCommentsAboveIt() throws IOException {
        // They were dropped: only the lines from apiVersion to the last value reached the new file
        writer().apply("\n" + API + "# trailing note\n", Map.of(), Map.of(), false);
        assertEquals(API, read("api.yaml"));

        String db = WEB.replace("web", "db");
        writer().apply("# the file's header\n" + WEB + "# about db, after web\n---\n\n# db: the database\n# second line\n" + db,
                Map.of(), Map.of(), false);
        assertEquals("# the file's header\n" + WEB, read("web.yaml"));
        assertEquals("# db: the database\n# second line\n" + db, read("db.yaml"));
    }

    @Test
    void aReplacedProgramKeepsTheCommentsAboveItInItsFileNotTheSubmittedOnes() throws IOException {
        write("web.yaml", "# as written in the directory\n" + WEB);
        writer().apply("# as sent\n" + WEB.replace("\"100\"", "\"5\""), Map.of(), Map.of(), false);
        assertEquals("# as written in the directory\n" + WEB.replace("\"100\"", "\"5\""), read("web.yaml"));
    }

    @Test
    void aNewProgramWhoseFileNameIsTakenIsAppendedToIt() throws IOException {
        write("web.yaml", API);
        writer().apply(WEB, Map.of(), Map.of(), false);
        assertEquals(API + "---\n" + WEB, read("web.yaml"));
    }

    @Test
    void aBrokenSourceFileIsAConflict() throws IOException {
        write("web.yaml", "apiVersion: [unclosed\n");
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer().apply(WEB, Map.of("web", file("web.yaml")), Map.of(), false));
        assertTrue(e.getMessage().contains("is not valid YAML"), e.getMessage());
        assertEquals("apiVersion: [unclosed\n", read("web.yaml"));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // reading the pipe waited for ever, and every apply after it
    void aNamedPipeWhereTheNewProgramsFileGoesIsAConflictNotAWaitForEver() throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", file("web.yaml").toString()).inheritIO().start().waitFor());
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer().apply(WEB, Map.of(), Map.of(), false));
        assertTrue(e.getMessage().startsWith(file("web.yaml") + " is a named pipe (FIFO), not a regular file"), e.getMessage());
        assertFalse(Files.isRegularFile(file("web.yaml")), "left as it is");
    }

    @Test
    void aFileEveryUserMayWriteIsAConflictWithItsOwnRemedy() throws IOException {
        write("web.yaml", WEB.replace("100", "200"));
        Files.setPosixFilePermissions(file("web.yaml"), PosixFilePermissions.fromString("rw-rw-rw-"));
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer().apply(WEB, Map.of(), Map.of(), false));
        // Not "needs it to be valid YAML": it is, and chmod is what it needs
        assertEquals(file("web.yaml") + " is writable by every user (rw-rw-rw-): any of them could change what the daemon"
                + " runs; chmod o-w it; adding program web to it needs that done first", e.getMessage());
    }

    @Test
    void aProgramNotFoundNamesTheFilesThatCouldNotBeReadToLookForIt() throws IOException {
        write("web.yaml", WEB);
        Files.setPosixFilePermissions(file("web.yaml"), PosixFilePermissions.fromString("rw-rw-rw-"));
        String expected = "no manifest in " + dir + " that can be read defines a program named \"web\", and one that cannot"
                + " may; " + file("web.yaml") + " is writable by every user (rw-rw-rw-): any of them could change what the"
                + " daemon runs; chmod o-w it";
        assertEquals(expected, assertThrows(NoSuchElementException.class,
                () -> writer().scale("web", 2, Map.of(), Map.of(), false)).getMessage());
        assertEquals(expected, assertThrows(NoSuchElementException.class,
                () -> writer().delete("web", Map.of(), false)).getMessage());
    }

    @Test
    void noEditIsMadeInADirectoryEveryUserMayWriteWhichTheDaemonDoesNotRead() throws IOException {
        write("web.yaml", WEB);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        String expected = "the manifest directory " + dir + " is writable by every user (rwxrwxrwx), so the daemon reads"
                + " none of its files until it is not; nothing was written: chmod o-w it, then try again";
        assertEquals(expected, assertThrows(ManifestConflictException.class,
                () -> writer().apply(API, Map.of(), Map.of(), false)).getMessage());
        assertEquals(expected, assertThrows(ManifestConflictException.class,
                () -> writer().scale("web", 2, Map.of(), Map.of(), false)).getMessage());
        assertEquals(expected, assertThrows(ManifestConflictException.class,
                () -> writer().delete("web", Map.of(), false)).getMessage());
        assertEquals(List.of("web.yaml"), listing());
        assertEquals(WEB, read("web.yaml"));

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(Action.CREATED, writer().apply(API, Map.of(), Map.of(), false).changes().get(0).action());
    }

    @Test
    void aBrokenUnrelatedFileDoesNotStopAnApply() throws IOException {
        write("broken.yaml", "key: [unclosed\n");
        assertEquals(Action.CREATED, writer().apply(WEB, Map.of(), Map.of(), false).changes().get(0).action());
    }

    /** WEB with a field the loader refuses: the file holding it is invalid, and the daemon keeps its last good version. */
    static final String BROKEN_DB = WEB.replace("web", "db").replace("spec:", "bogus: 1\nspec:");

    @Test
    void deletingFromAFileThatStaysInvalidIsAConflict() throws IOException {
        String text = WEB + "---\n" + BROKEN_DB;
        write("all.yaml", text);
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer().delete("web", Map.of("web", file("all.yaml")), false));
        assertTrue(e.getMessage().contains("is invalid") && e.getMessage().contains("bogus"), e.getMessage());
        assertEquals(text, read("all.yaml"));
    }

    @Test
    void aNewProgramIsNotAppendedToAnInvalidFile() throws IOException {
        write("web.yaml", BROKEN_DB);
        assertThrows(ManifestConflictException.class, () -> writer().apply(WEB, Map.of(), Map.of(), false));
        assertEquals(BROKEN_DB, read("web.yaml"));
    }

    @Test
    void scalingInAFileThatStaysInvalidIsAConflict() throws IOException {
        String text = WEB + "---\n" + BROKEN_DB;
        write("all.yaml", text);
        assertThrows(ManifestConflictException.class,
                () -> writer().scale("web", 3, Map.of("web", file("all.yaml")), Map.of(), false));
        assertEquals(text, read("all.yaml"));
    }

    @Test
    void anApplyThatMendsAnInvalidFileIsWritten() throws IOException {
        write("all.yaml", WEB + "---\n" + BROKEN_DB);
        String db = WEB.replace("web", "db");
        assertEquals(Action.CONFIGURED, writer().apply(db, Map.of(), Map.of(), false).changes().get(0).action());
        assertEquals(WEB + "---\n" + db, read("all.yaml"));
    }

    @Test
    void aProgramThatAnInvalidFileAlreadyHoldsButIsNotInForceIsNotUnchanged() throws IOException {
        write("all.yaml", WEB + "---\n" + BROKEN_DB);
        assertThrows(ManifestConflictException.class, () -> writer().apply(WEB, Map.of(), Map.of(), false));
    }

    @Test
    void scalingToWhatAnInvalidFileSaysButTheDaemonDoesNotRunIsAConflictNotUnchanged() throws IOException {
        write("all.yaml", WEB.replace("spec:", "spec:\n  replicas: 2") + "---\n" + BROKEN_DB);
        ProgramSpec oneReplica = new ManifestLoader().parse(file("all.yaml"), WEB).programs().get(0); // its last good version
        Map<String, Path> sources = Map.of("web", file("all.yaml"));
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer().scale("web", 2, sources, Map.of("web", oneReplica), false));
        assertTrue(e.getMessage().contains("is invalid") && e.getMessage().contains("bogus"), e.getMessage());
        assertEquals(Action.UNCHANGED, writer().scale("web", 2, sources,
                Map.of("web", ReplicasEdit.withReplicas(oneReplica, 2)), false).action(), "the daemon runs 2 already");
    }

    @Test
    void aProgramStillRunFromAnInvalidFileThatNoLongerNamesItIsAConflictToFixNotToWaitFor() throws IOException {
        write("web.yaml", BROKEN_DB); // web renamed db in an edit with an error: the daemon keeps web as it was
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer().apply(WEB.replace("100", "200"), Map.of("web", file("web.yaml")), Map.of(), false));
        assertTrue(e.getMessage().contains("bogus") && e.getMessage().contains("Fix that file by hand first"), e.getMessage());
        assertFalse(e.getMessage().contains("Try again in a moment"), e.getMessage());
    }

    @Test
    void aFileThatIsNotUtf8IsNamedWithItsFirstBadByteNotTheJdksInputLength() throws IOException {
        Files.write(file("web.yaml"), WEB.replace("name: web", "name: web\n  labels: {who: Jos\u00e9}")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer().delete("web", Map.of("web", file("web.yaml")), false));
        assertTrue(e.getMessage().contains("is not UTF-8 text at line 5, column 20 (byte 0xe9)"), e.getMessage());
    }

    @Test
    void aProgramWhoseFileIsBeingRewrittenIsNotWrittenIntoASecondFile() throws IOException {
        write("pair.yaml", ""); // an editor that empties the file first: the daemon holds its programs meanwhile
        Map<String, Path> sources = Map.of("web", file("pair.yaml"));
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer().apply(WEB.replace("100", "200"), sources, Map.of(), false));
        assertTrue(e.getMessage().contains("does not define it at the moment"), e.getMessage());
        assertThrows(ManifestConflictException.class, () -> writer().delete("web", sources, false));
        assertFalse(Files.exists(file("web.yaml")), "no second file defining web");
        assertEquals("", read("pair.yaml"));

        Files.delete(file("pair.yaml")); // gone for good: once the daemon has forgotten it, a new file may hold it
        assertEquals(Action.CREATED, writer().apply(WEB, Map.of(), Map.of(), false).changes().get(0).action());
    }

    @Test
    void aProgramWhoseFileIsGoneForAMomentIsNotWrittenIntoASecondFile() throws IOException {
        // A checkout (or rm and cp) deletes the file and writes it again: the daemon, which has not read the deletion,
        // runs web from it, and a web.yaml written meanwhile would be a second definition that the daemon rejects
        Map<String, Path> sources = Map.of("web", file("pair.yaml"));
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer().apply(WEB.replace("100", "200"), sources, Map.of(), false));
        assertTrue(e.getMessage().contains("pair.yaml, which program web runs from, is gone at the moment"), e.getMessage());
        assertThrows(ManifestConflictException.class, () -> writer().scale("web", 2, sources, Map.of(), false));
        assertThrows(ManifestConflictException.class, () -> writer().delete("web", sources, false));
        assertEquals(List.of(), listing(), "no second file defining web");

        // Where the new file would take its place, no second definition can come of it
        assertEquals(Action.CREATED, writer().apply(WEB, Map.of("web", file("web.yaml")), Map.of(), false)
                .changes().get(0).action());
    }

    @Test
    void aFileThisWriterDeletedIsForgottenOnceTheDaemonNoLongerRunsAProgramFromIt() throws IOException {
        write("front.yaml", WEB);
        write("api.yaml", API);
        ManifestWriter writer = writer();
        writer.delete("web", Map.of("web", file("front.yaml"), "api", file("api.yaml")), false);
        writer.scale("api", 2, Map.of("api", file("api.yaml")), Map.of(), false); // the daemon has read the delete

        // front.yaml is made again by hand and read, then a checkout deletes it to write it back a moment later
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer.apply(WEB, Map.of("web", file("front.yaml"), "api", file("api.yaml")), Map.of(), false));
        assertTrue(e.getMessage().contains("front.yaml, which program web runs from, is gone at the moment"), e.getMessage());
        assertEquals(List.of("api.yaml"), listing(), "no second file defining web");
    }

    @Test
    void aProgramDeletedWithItsFileCanBeAppliedAgainAtOnce() throws IOException {
        write("front.yaml", WEB); // not web.yaml: applied again, web goes to a new file
        ManifestWriter writer = writer();
        Map<String, Path> sources = Map.of("web", file("front.yaml")); // the daemon has not yet read the delete
        writer.delete("web", sources, false);

        assertEquals(Action.CREATED, writer.apply(WEB, sources, Map.of(), false).changes().get(0).action());
        assertEquals(List.of("web.yaml"), listing());
    }

    @Test
    void aProgramRunFromALinkPointingNowhereIsAConflictNotASecondFile() throws IOException {
        // The daemon rejects a link whose target was deleted (a checkout) and keeps what it defined in force: a web.yaml
        // written now would define web a second time, which the daemon rejects too, and the apply reported done never runs
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        Files.createSymbolicLink(file("front.yaml"), checkout.resolve("front.yaml"));
        Map<String, Path> sources = Map.of("web", file("front.yaml"));
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer().apply(WEB.replace("100", "200"), sources, Map.of(), false));
        assertTrue(e.getMessage().contains("still runs program web from it") && e.getMessage().contains("is a symbolic link to "
                + checkout.resolve("front.yaml") + ", which does not exist"), e.getMessage());
        assertThrows(ManifestConflictException.class, () -> writer().scale("web", 2, sources, Map.of(), false));
        assertThrows(ManifestConflictException.class, () -> writer().delete("web", sources, false));
        assertEquals(List.of("checkout", "front.yaml"), listing(), "no second file defining web");
    }

    @Test
    void aWriteThroughALinkThatFailsNamesTheDirectoryTheLinkLeadsTo() throws IOException {
        Path checkout = Files.createDirectories(dir.resolve("checkout")); // outside what the writer lists: *.yaml at the top
        Files.writeString(checkout.resolve("web.yaml"), WEB);
        Files.createSymbolicLink(file("web.yaml"), checkout.resolve("web.yaml"));
        Files.createDirectory(checkout.resolve(".web.yaml.tmp")); // the temporary file cannot be made there
        ManifestWriteException e = assertThrows(ManifestWriteException.class,
                () -> writer().apply(WEB.replace("\"100\"", "\"7\""), Map.of(), Map.of(), false));
        assertTrue(e.getMessage().contains("check that the daemon's user may write to " + checkout + " and"), e.getMessage());
        assertEquals(WEB, Files.readString(checkout.resolve("web.yaml")));
    }

    @Test
    void keepsThePermissionsOfTheFileItReplaces() throws IOException {
        write("web.yaml", WEB);
        Files.setPosixFilePermissions(file("web.yaml"), PosixFilePermissions.fromString("rw-r-----"));
        writer().apply(WEB.replace("\"100\"", "\"7\""), Map.of(), Map.of(), false);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file("web.yaml"))));
    }

    @Test
    void keepsTheOwnerAndGroupOfTheFileItReplaces() throws IOException {
        // A daemon run as root took a deploy user's manifest from them at each scale: root:root, and with 0640 unreadable
        write("web.yaml", WEB);
        Files.setPosixFilePermissions(file("web.yaml"), PosixFilePermissions.fromString("rw-r-----"));
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(file("web.yaml"), PosixFileAttributeView.class);
        UserPrincipal nobody;
        GroupPrincipal group;
        try {
            nobody = users.lookupPrincipalByName("nobody");
            group = users.lookupPrincipalByGroupName(Files.exists(Path.of("/etc/group")) && Files.readString(Path.of("/etc/group"))
                    .contains("\nnogroup:") ? "nogroup" : "nobody");
            view.setGroup(group);
            view.setOwner(nobody);
            Files.setOwner(dir, nobody); // the deploy user's directory: their files are theirs to own (ManifestOwners)
        } catch (IOException notRoot) {
            Assumptions.abort("giving a file to another user needs root: " + notRoot);
            return;
        }
        writer().scale("web", 2, Map.of(), Map.of(), false);
        PosixFileAttributes after = Files.readAttributes(file("web.yaml"), PosixFileAttributes.class);
        assertEquals(2, new ManifestLoader().load(file("web.yaml")).programs().get(0).replicas());
        assertEquals(nobody, after.owner());
        assertEquals(group, after.group());
        assertEquals("rw-r-----", PosixFilePermissions.toString(after.permissions()));
    }

    @Test
    void charactersOutsideTheBasicPlaneDoNotShiftTheEdit() throws IOException {
        String original = "# 🚀🚀 launch\n" + API.replace("backend", "\"🐍\"") + "---\n" + WEB;
        write("all.yaml", original);
        writer().apply(WEB.replace("\"100\"", "\"3\""), Map.of(), Map.of(), false);
        assertEquals(original.replace("\"100\"", "\"3\""), read("all.yaml"));
    }

    @Test
    void deleteRemovesTheFileOfASingleProgram() throws IOException {
        write("web.yaml", WEB);
        Change change = writer().delete("web", Map.of(), false);
        assertEquals(Action.DELETED, change.action());
        assertEquals(file("web.yaml"), change.file());
        assertEquals(List.of(), listing());
    }

    @Test
    void deleteRemovesOnlyItsDocument() throws IOException {
        write("all.yaml", "# header\n" + API + "---\n# web's comment\n" + WEB + "---\n" + WEB.replace("web", "db"));
        writer().delete("web", Map.of(), false);
        assertEquals("# header\n" + API + "---\n" + WEB.replace("web", "db"), read("all.yaml"));
        writer().delete("api", Map.of(), false);
        // Comments above the first document may be the file's own: they stay.
        assertEquals("# header\n# the API server\n---\n" + WEB.replace("web", "db"), read("all.yaml"));
        writer().delete("db", Map.of(), false);
        assertEquals(List.of(), listing());
    }

    @Test
    void deleteOfAProgramThatAnotherValidFileAlsoDefinesIsAConflictNotASwap() throws IOException {
        // It said deleted, and the program went on running as the other file says (restarted with its command)
        write("a.yaml", WEB);
        String other = "# a copy\n" + WEB.replace("\"100\"", "\"200\"");
        write("b.yaml", other);
        Map<String, Path> sources = Map.of("web", file("a.yaml"));
        ManifestConflictException e = assertThrows(ManifestConflictException.class, () -> writer().delete("web", sources, true));
        assertTrue(e.getMessage().startsWith("program web is also defined in " + file("b.yaml") + ", line 5, which the"
                + " daemon rejects meanwhile as the name is taken by a.yaml: deleting it from a.yaml would put that"
                + " definition in force, not delete the program; nothing was written."), e.getMessage());
        assertThrows(ManifestConflictException.class, () -> writer().delete("web", sources, false));
        assertEquals(WEB, read("a.yaml"));
        assertEquals(other, read("b.yaml"));

        // A file invalid by itself brings nothing into force: the program goes.
        write("b.yaml", other.replace("spec:\n", "spec:\n  replicas: many\n"));
        assertEquals(Action.DELETED, writer().delete("web", sources, false).action());
        assertEquals(List.of("b.yaml"), listing());
    }

    @Test
    void deleteOfAnUnknownProgramIsNotFound() throws IOException {
        write("web.yaml", WEB);
        assertThrows(NoSuchElementException.class, () -> writer().delete("wbe", Map.of(), false));
    }

    @Test
    void deleteDryRunKeepsTheFile() throws IOException {
        write("web.yaml", WEB);
        assertEquals(Action.DELETED, writer().delete("web", Map.of(), true).action());
        assertEquals(WEB, read("web.yaml"));
    }

    @Test
    void aDocumentStartingOnItsSeparatorLineIsReplacedOnTheNextLine() throws IOException {
        String flow = "--- {apiVersion: steward.dev/v1, kind: Program, metadata: {name: web}, spec: {command: [sleep, '1']}}\n";
        write("all.yaml", API + flow);
        writer().apply(WEB, Map.of(), Map.of(), false);
        String result = read("all.yaml");
        assertTrue(result.startsWith(API + "---"), result);
        assertEquals(List.of("sleep", "100"), new ManifestLoader().parse(file("all.yaml"), result).programs().get(1)
                .command());
        assertEquals(API + "--- \n" + WEB, result);
    }

    @Test
    void deleteOfTheLastDocumentWithoutAFinalLineBreak() throws IOException {
        write("all.yaml", API + "---\n" + WEB.stripTrailing());
        writer().delete("web", Map.of(), false);
        assertEquals(API, read("all.yaml"));
    }

    @Test
    void severalProgramsOfOneFileAreEditedTogether() throws IOException {
        String db = WEB.replace("web", "db");
        write("all.yaml", WEB + "---\n" + db);
        Outcome outcome = writer().apply(db.replace("\"100\"", "\"2\"") + "---\n" + WEB.replace("\"100\"", "\"1\""),
                Map.of(), Map.of(), false);
        assertEquals(List.of(Action.CONFIGURED, Action.CONFIGURED),
                outcome.changes().stream().map(Change::action).toList());
        assertEquals(WEB.replace("\"100\"", "\"1\"") + "---\n" + db.replace("\"100\"", "\"2\""), read("all.yaml"));
    }

    /** The program of {@code text}, as the daemon would have it in force. */
    static ProgramSpec spec(String text) {
        return new ManifestLoader().parse(Path.of("x.yaml"), text).programs().get(0);
    }

    static String named(String name, String extraSpec) {
        return WEB.replace("name: web", "name: " + name) + extraSpec;
    }

    @Test
    void refusesAProgramWhoseProcessWouldTakeTheNameOfAnotherProgramsProcess() throws IOException {
        String a = named("a", "  replicas: 2\n");
        write("a.yaml", a);
        Outcome outcome = writer().apply(named("a-0", ""), Map.of("a", file("a.yaml")), Map.of("a", spec(a)), false);
        assertFalse(outcome.valid());
        ManifestError error = outcome.errors().get(0);
        assertEquals("<request>:4:9: metadata.name: program \"a-0\" would run a process named \"a-0\", and so does"
                + " program \"a\" in a.yaml (2 replicas: a-0, a-1); rename one of the programs or change its replicas",
                error.toString());
        assertEquals(List.of("a.yaml"), listing(), "nothing written");

        // Raising a's replicas onto a program in force is refused the same way, at a's name.
        String a1 = named("a-1", "");
        write("a-1.yaml", a1);
        outcome = writer().apply(named("a", "  replicas: 3\n"), Map.of("a", file("a.yaml"), "a-1", file("a-1.yaml")),
                Map.of("a", spec(a), "a-1", spec(a1)), false);
        assertTrue(outcome.errors().get(0).message().startsWith("program \"a\" would run a process named \"a-1\", and so"
                + " does program \"a-1\" in a-1.yaml; "), outcome.errors().get(0).message());
        assertEquals(a, read("a.yaml"));
    }

    @Test
    void aClashingFileTheDaemonRejectsIsNoExcuseForUnchanged() throws IOException {
        String a = named("a", "  replicas: 2\n");
        write("a.yaml", a);
        write("a-1.yaml", named("a-1", "")); // written by hand, rejected by the daemon: a holds process a-1
        Outcome outcome = writer().apply(named("a-1", ""), Map.of("a", file("a.yaml")), Map.of("a", spec(a)), false);
        assertTrue(outcome.errors().get(0).message().startsWith("program \"a-1\" would run a process named \"a-1\""),
                outcome.errors().toString());
    }

    @Test
    void refusesTwoProgramsOfOneRequestWhoseProcessesShareANameAndAcceptsThemApart() throws IOException {
        String both = named("b", "  replicas: 2\n") + "---\n" + named("b-1", "");
        Outcome outcome = writer().apply(both, Map.of(), Map.of(), false);
        assertEquals("<request>:12:9: metadata.name: program \"b-1\" would run a process named \"b-1\", and so does"
                + " program \"b\" in this request, line 4 (2 replicas: b-0, b-1); rename one of the programs or change its replicas",
                outcome.errors().get(0).toString());
        assertEquals(List.of(), listing());

        // b-2 does not clash with b's two replicas, and an unchanged program is no clash with itself.
        assertTrue(writer().apply(named("b", "  replicas: 2\n") + "---\n" + named("b-2", ""), Map.of(), Map.of(), false).valid());
        assertEquals(List.of("b-2.yaml", "b.yaml"), listing());
    }

    static Submitted submitted(String label, String text) {
        return new Submitted(Path.of(label), text);
    }

    @Test
    void appliesSeveralFilesTogetherInTheirOrder() throws IOException {
        write("web.yaml", WEB);
        Outcome outcome = writer().apply(List.of(submitted("in/api.yaml", API), submitted("in/more.yaml",
                named("web", "  replicas: 2\n") + "---\n" + named("db", ""))), Map.of("web", file("web.yaml")), Map.of(), false);
        assertTrue(outcome.valid(), outcome.errors().toString());
        assertEquals(List.of("api created", "web configured", "db created"), outcome.changes().stream()
                .map(change -> change.program() + " " + change.action().label()).toList());
        assertEquals(List.of("api.yaml", "db.yaml", "web.yaml"), listing());
        assertEquals(named("web", "  replicas: 2\n"), read("web.yaml"));
    }

    @Test
    void aProgramInTwoFilesOfOneApplyIsRefusedAtTheSecondNamingTheFirst() throws IOException {
        Outcome outcome = writer().apply(List.of(submitted("in/a.yaml", API + "---\n" + WEB), submitted("in/b.yaml", API),
                submitted("in/c.yaml", named("c", ""))), Map.of(), Map.of(), false);
        assertEquals(List.of("in/b.yaml:5:9: metadata.name: program \"api\" is also defined in in/a.yaml, line 5; apply each"
                + " program from one file only: remove one of the two documents"), outcome.errors().stream()
                .map(ManifestError::toString).toList());
        assertEquals(List.of(), listing(), "nothing written, not even c");
    }

    @Test
    void theErrorsOfEveryFileAreReportedEachAtItsOwnFileAndNothingIsWritten() throws IOException {
        Outcome outcome = writer().apply(List.of(submitted("in/a.yaml", WEB.replace("[sleep", "[sleep,")),
                submitted("in/ok.yaml", API), submitted("in/b.yaml", named("b", "  replicas: many\n")),
                submitted("in/empty.yaml", "# nothing here\n")), Map.of(), Map.of(), false);
        List<String> errors = outcome.errors().stream().map(error -> error.file() + ":" + error.line() + " " + error.field())
                .toList();
        assertEquals(List.of("in/a.yaml:6 ", "in/b.yaml:7 spec.replicas"), errors, "a file of comments is no error");
        assertEquals(List.of(), listing());

        outcome = writer().apply(List.of(submitted("in/empty.yaml", "# nothing here\n"), submitted("in/none.yaml", "")),
                Map.of(), Map.of(), false);
        assertEquals("<request>: none of the 2 files has a Program document; send one or more manifests such as"
                + " {apiVersion: steward.dev/v1, kind: Program, metadata: {name: web}, spec: {command: [...]}}",
                outcome.errors().get(0).toString());
        assertTrue(writer().apply(List.of(submitted("in/empty.yaml", "# nothing here\n"), submitted("in/ok.yaml", API)),
                Map.of(), Map.of(), true).valid());
    }

    @Test
    void processesSharingANameAcrossTwoFilesAreRefusedAtTheLaterNamingTheEarlierFileAndLine() throws IOException {
        Outcome outcome = writer().apply(List.of(submitted("in/b.yaml", named("b", "  replicas: 2\n")),
                submitted("in/b1.yaml", named("b-1", ""))), Map.of(), Map.of(), false);
        assertEquals("in/b1.yaml:4:9: metadata.name: program \"b-1\" would run a process named \"b-1\", and so does program"
                + " \"b\" in in/b.yaml, line 4 (2 replicas: b-0, b-1); rename one of the programs or change its replicas",
                outcome.errors().get(0).toString());
        assertEquals(List.of(), listing());
    }

    @Test
    void everyClashingProgramOfARequestIsReported() throws IOException {
        Outcome outcome = writer().apply(List.of(submitted("in/b.yaml", named("b", "  replicas: 2\n")),
                submitted("in/b1.yaml", named("b-1", "")), submitted("in/ok.yaml", named("c", "")),
                submitted("in/b0.yaml", named("b-0", "  replicas: 3\n"))), Map.of(), Map.of(), false);
        assertEquals(List.of("in/b1.yaml:4:9: metadata.name: program \"b-1\" would run a process named \"b-1\", and so"
                        + " does program \"b\" in in/b.yaml, line 4 (2 replicas: b-0, b-1); rename one of the programs or"
                        + " change its replicas",
                "in/b0.yaml:4:9: metadata.name: program \"b-0\" is named like a process of program \"b\" in in/b.yaml,"
                        + " line 4 (2 replicas: b-0, b-1); rename program \"b-0\", or give program \"b\" fewer replicas"),
                outcome.errors().stream().map(ManifestError::toString).toList(), "each once, in the request's order");
        assertEquals(List.of(), listing());

        // In the directory's order b comes last, and its processes take both names: both clashes are its.
        outcome = writer().apply(List.of(submitted("in/b-0.yaml", named("b-0", "")), submitted("in/b-1.yaml", named("b-1", "")),
                submitted("in/b.yaml", named("b", "  replicas: 2\n"))), Map.of(), Map.of(), false);
        assertEquals(List.of("in/b.yaml:4:9: metadata.name: program \"b\" would run a process named \"b-0\", and so does"
                        + " program \"b-0\" in in/b-0.yaml, line 4; rename one of the programs or change its replicas",
                "in/b.yaml:4:9: metadata.name: program \"b\" would run a process named \"b-1\", and so does"
                        + " program \"b-1\" in in/b-1.yaml, line 4; rename one of the programs or change its replicas"),
                outcome.errors().stream().map(ManifestError::toString).toList());
    }

    @Test
    void refusesAProgramNamedLikeAnotherProgramsProcessWhateverItsReplicas() throws IOException {
        String a = named("a", "  replicas: 2\n");
        write("a.yaml", a);
        Outcome outcome = writer().apply(named("a-0", "  replicas: 2\n"), Map.of("a", file("a.yaml")), Map.of("a", spec(a)), false);
        assertEquals("<request>:4:9: metadata.name: program \"a-0\" is named like a process of program \"a\" in a.yaml"
                + " (2 replicas: a-0, a-1); rename program \"a-0\", or give program \"a\" fewer replicas", outcome.errors().get(0).toString());
        outcome = writer().apply(named("a-0", "  replicas: 0\n"), Map.of("a", file("a.yaml")), Map.of("a", spec(a)), false);
        assertFalse(outcome.valid(), "no processes, but the name still means a's process");
        assertEquals(List.of("a.yaml"), listing());
        assertTrue(writer().apply(named("a-2", "  replicas: 2\n"), Map.of("a", file("a.yaml")), Map.of("a", spec(a)), false).valid());
    }
}
