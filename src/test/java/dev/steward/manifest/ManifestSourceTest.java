package dev.steward.manifest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.reconcile.DesiredState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ManifestSourceTest {

    private static final Duration DEBOUNCE = Duration.ofMillis(30);
    private static final Duration NO_RESYNC = Duration.ofHours(1);
    private static final Duration NO_SCAN_ON_EVENTS = Duration.ofHours(1); // as a debounce: only scans by hand

    @TempDir
    Path root;

    private final List<DesiredState> published = new CopyOnWriteArrayList<>();
    private final List<ManifestSource> sources = new ArrayList<>();

    @AfterEach
    void closeSources() {
        sources.forEach(ManifestSource::close);
    }

    @Test
    void startCreatesTheDirectoryAndPublishesTheFirstStateBeforeReturning() throws IOException {
        Path dir = root.resolve("not/there/yet");
        ManifestSource source = source(dir, NO_RESYNC);
        source.start();
        assertTrue(Files.isDirectory(dir));
        assertEquals(List.of(DesiredState.empty()), published);
        assertEquals(DesiredState.empty(), source.current());
    }

    @Test
    void startReadsExistingFiles() throws IOException {
        Path dir = root.resolve("manifests");
        Files.createDirectories(dir);
        write(dir, "web.yaml", program("web", "a"));
        write(dir, "more.yml", program("api", "b") + "---\n" + program("db", "c"));
        source(dir, NO_RESYNC).start();
        assertEquals(1, published.size());
        DesiredState state = published.get(0);
        assertEquals(List.of("api", "db", "web"), List.copyOf(state.programs().keySet()));
        assertEquals(Map.of("api", dir.resolve("more.yml"), "db", dir.resolve("more.yml"), "web",
                dir.resolve("web.yaml")), state.sources());
        assertEquals(List.of(), state.errors());
    }

    @Test
    void droppedChangedAndDeletedFilesArePickedUpByTheWatch() throws IOException {
        Path dir = root.resolve("manifests");
        source(dir, NO_RESYNC).start();

        write(dir, "web.yaml", program("web", "a"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().containsKey("web"));
        assertEquals(dir.resolve("web.yaml"), last().sources().get("web"));

        write(dir, "web.yaml", program("web", "b"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().get("web").command().equals(List.of("b")));

        Files.delete(dir.resolve("web.yaml"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().equals(DesiredState.empty()));
    }

    @Test
    void aManifestWrittenThroughItsLinkStaysALinkAndIsReadAgainAtOnce() throws IOException {
        // apply into a file linked from elsewhere (a checkout): the target changes, outside the watched directory
        Path dir = root.resolve("manifests");
        Path checkout = Files.createDirectories(root.resolve("checkout"));
        Path target = write(checkout, "web.yaml", program("web", "a"));
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("web.yaml"), target);
        source(dir, NO_RESYNC).start();
        assertEquals(List.of("a"), last().programs().get("web").command());

        AtomicFiles.write(dir.resolve("web.yaml"), program("web", "b"));

        assertTrue(Files.isSymbolicLink(dir.resolve("web.yaml")), "still a link");
        assertEquals(program("web", "b"), Files.readString(target));
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().get("web").command().equals(List.of("b")));
    }

    @Test
    void aDirectorySwappedInPlaceIsWatchedAgainAtOnce() throws IOException {
        Path dir = root.resolve("manifests");
        source(dir, NO_RESYNC).start();
        write(dir, "web.yaml", program("web", "a"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().containsKey("web"));
        Path next = Files.createDirectories(root.resolve("manifests.new"));
        write(next, "api.yaml", program("api", "b"));

        // a release tool's swap: the old directory's watch stays valid and hears nothing of the new one
        Files.move(dir, root.resolve("manifests.old"));
        Files.move(next, dir);

        await().atMost(10, TimeUnit.SECONDS).until(() -> List.of("api").equals(List.copyOf(last().programs().keySet())));
        write(dir, "db.yaml", program("db", "c"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().containsKey("db"));
    }

    @Test
    void aDirectoryNamedWithDotIsWatchedAsItself() throws IOException {
        Path dir = Files.createDirectories(root.resolve("manifests"));
        source(dir.resolve("."), NO_RESYNC).start(); // `steward serve --manifests .`

        write(dir, "web.yaml", program("web", "a"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().containsKey("web"));
        write(dir, "web.yaml", program("web", "b")); // an edit in place, not only a new file
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().get("web").command().equals(List.of("b")));
    }

    @Test
    void aKubernetesConfigMapVolumeIsFollowedThroughItsAtomicUpdates() throws IOException {
        // The kubelet's layout (AtomicWriter): each key is a symbolic link through ..data, itself a link to a hidden
        // directory of the current version. An update writes the new version, links the keys it adds, renames a new
        // ..data over the old one, then unlinks the keys it dropped: only ..data's rename happens in the watched
        // directory for a changed key, and between these steps a new or dropped key's link points nowhere.
        Path dir = Files.createDirectories(root.resolve("manifests"));
        Files.createDirectory(dir.resolve("..2026_12_07_1"));
        Files.writeString(dir.resolve("..2026_12_07_1/web.yaml"), program("web", "a"));
        Files.createSymbolicLink(dir.resolve("web.yaml"), Path.of("..data/web.yaml"));
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..2026_12_07_1"));
        ManifestSource source = source(dir, NO_RESYNC);
        source.start();
        assertEquals(List.of("a"), last().programs().get("web").command());
        assertEquals(dir.resolve("web.yaml"), last().sources().get("web"));

        // an update that changes web and adds api
        Files.createDirectory(dir.resolve("..2026_12_07_2"));
        Files.writeString(dir.resolve("..2026_12_07_2/web.yaml"), program("web", "b"));
        Files.writeString(dir.resolve("..2026_12_07_2/api.yaml"), program("api", "c"));
        Files.createSymbolicLink(dir.resolve("api.yaml"), Path.of("..data/api.yaml"));
        source.rescan(); // a scan that falls before the rename: api is not there yet, and nothing is wrong
        assertEquals(List.of("web"), List.copyOf(last().programs().keySet()));
        assertEquals(List.of(), last().errors());
        swapData(dir, "..2026_12_07_2");
        deleteVersion(dir.resolve("..2026_12_07_1"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().containsKey("api")
                && last().programs().get("web").command().equals(List.of("b")));

        // an update that drops web
        Files.createDirectory(dir.resolve("..2026_12_07_3"));
        Files.writeString(dir.resolve("..2026_12_07_3/api.yaml"), program("api", "c"));
        swapData(dir, "..2026_12_07_3");
        source.rescan(); // a scan that falls before web's link is removed
        assertEquals(List.of("api"), List.copyOf(last().programs().keySet()));
        assertEquals(List.of(), last().errors());
        Files.delete(dir.resolve("web.yaml"));
        deleteVersion(dir.resolve("..2026_12_07_2"));
        source.rescan();
        assertEquals(List.of("api"), List.copyOf(last().programs().keySet()));
        assertTrue(published.stream().allMatch(state -> state.errors().isEmpty()), () -> published.toString());
    }

    @Test
    void aLinkPointingNowhereIsReportedAndKeepsItsProgramsUnlessItGoesThroughAHiddenLinkOfItsDirectory() throws IOException {
        Path dir = Files.createDirectories(root.resolve("manifests"));
        Path repo = Files.createDirectories(root.resolve("repo"));
        Files.createDirectories(dir.resolve("sub"));
        Files.createDirectories(dir.resolve(".hidden"));
        Map<String, Path> targets = new LinkedHashMap<>();
        targets.put("up", Path.of("../repo/up.yaml"));                    // a deployment tool's layout: out of the directory
        targets.put("here", Path.of("./sub/here.yaml"));
        targets.put("sub", Path.of("sub/sub.yaml"));
        targets.put("hidden", Path.of(".hidden/hidden.yaml"));            // a hidden directory, not a link: no ConfigMap
        for (Map.Entry<String, Path> link : targets.entrySet()) {
            Path target = dir.resolve(link.getValue()).normalize();
            Files.writeString(target, program(link.getKey(), "a"));
            Files.createSymbolicLink(dir.resolve(link.getKey() + ".yaml"), link.getValue());
        }
        ManifestSource source = scannedByHand(dir);
        source.start();
        assertEquals(Set.of("up", "here", "sub", "hidden"), last().programs().keySet());

        for (Map.Entry<String, Path> link : targets.entrySet()) {
            Files.delete(dir.resolve(link.getValue()).normalize());
        }
        source.rescan();
        assertEquals(Set.of("up", "here", "sub", "hidden"), last().programs().keySet(), "the last good version stays in force");
        assertEquals(4, last().errors().size(), () -> last().errors().toString());
        assertTrue(Files.exists(repo));
    }

    /** Points ..data at {@code version} by renaming a new link over it, as the kubelet's AtomicWriter does. */
    private static void swapData(Path dir, String version) throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of(version));
        Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteVersion(Path versionDir) throws IOException {
        try (var files = Files.list(versionDir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(versionDir);
    }

    @Test
    void aBurstOfWritesGivesOneScan() throws IOException {
        Path dir = root.resolve("manifests");
        // A debounce far longer than writing 20 files takes, so that the burst surely falls into one window.
        ManifestSource source = new ManifestSource(dir, new ManifestLoader(), published::add, Duration.ofSeconds(1),
                NO_RESYNC);
        sources.add(source);
        source.start();
        for (int i = 0; i < 20; i++) {
            write(dir, "p" + i + ".yaml", program("p" + i, "a"));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().size() == 20);
        assertEquals(2, published.size(), "the first state, then one for the whole burst");
    }

    @Test
    void aCheckoutThatLastsLongerThanTheDebounceIsReadOnceItIsDone() throws Exception {
        // git checkout deletes the files that go or move first, then writes the others: on a large directory for
        // longer than the debounce. A scan in the middle saw web.yaml gone and its new name not written yet, and
        // stopped web only to start it again (and any file caught between its unlink and its new version).
        Path dir = root.resolve("manifests");
        write(dir, "web.yaml", program("web", "a"));
        // Generous, for a busy machine: a pause of 4 s (eight debounces, the deletion's quiet time) would fail it.
        Duration debounce = Duration.ofMillis(500);
        source(dir, NO_RESYNC, ManifestSource.EMPTY_FILE_GRACE, debounce).start();

        Files.delete(dir.resolve("web.yaml"));
        for (int i = 0; i < 40; i++) {
            write(dir, "other-" + i + ".yaml", program("other-" + i, "x"));
            Thread.sleep(15); // the checkout's pace: 600 ms of writes, never quiet for the debounce
        }
        write(dir, "web-renamed.yaml", program("web", "a"));

        await().atMost(20, TimeUnit.SECONDS).until(() -> last().programs().size() == 41);
        assertEquals(dir.resolve("web-renamed.yaml"), last().sources().get("web"));
        for (DesiredState state : published) {
            assertTrue(state.programs().containsKey("web"), "web never left: " + state.programs().keySet());
        }
    }

    @Test
    void aFileDeletedWaitsLongerThanTheDebounceForItsNewVersionOrName() throws Exception {
        // A checkout's writer descheduled for longer than the debounce (2 busy cores) between deleting web.yaml and
        // writing its new name: the deletion alone must not stop web for that.
        Path dir = root.resolve("manifests");
        write(dir, "web.yaml", program("web", "a"));
        Duration debounce = Duration.ofMillis(500); // the deletion's quiet time is eight, 4 s: room for a busy machine
        source(dir, NO_RESYNC, ManifestSource.EMPTY_FILE_GRACE, debounce).start();

        Files.delete(dir.resolve("web.yaml"));
        Thread.sleep(3 * debounce.toMillis()); // the pause: more than the debounce, less than the removal's quiet time
        write(dir, "web-renamed.yaml", program("web", "a"));

        await().atMost(10, TimeUnit.SECONDS).until(() -> dir.resolve("web-renamed.yaml").equals(last().sources().get("web")));
        for (DesiredState state : published) {
            assertTrue(state.programs().containsKey("web"), "web never left: " + state.programs().keySet());
        }
        Files.delete(dir.resolve("web-renamed.yaml"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().isEmpty());
    }

    @Test
    void aBurstThatNeverPausesIsStillRead() throws Exception {
        Path dir = root.resolve("manifests");
        Files.createDirectories(dir);
        Duration debounce = Duration.ofMillis(400); // the writer, every 10 ms, would have to stall that long to end the burst
        source(dir, NO_RESYNC, ManifestSource.EMPTY_FILE_GRACE, debounce).start();
        long maxBurst = Math.max(ManifestSource.MAX_BURST.toMillis(), 10 * debounce.toMillis());

        write(dir, "web.yaml", program("web", "a"));
        long started = System.nanoTime();
        // a log file in the directory, written every 10 ms: the manifest is read all the same, by the end of the burst
        try (var log = Files.newBufferedWriter(dir.resolve("app.log"))) {
            while (!last().programs().containsKey("web")) {
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20), "web read within 20 s");
                log.write("line\n");
                log.flush();
                Thread.sleep(10); // the writer's pace
            }
        }
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(maxBurst) / 2,
                "read at the end of the burst, not at its first event");
    }

    @Test
    void aFileJustEmptiedKeepsItsProgramsWhileItIsWrittenAgain() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = startWithWeb(dir, Duration.ofMinutes(10)); // a stalled machine cannot outlast it
        DesiredState good = last();

        Files.write(dir.resolve("web.yaml"), new byte[0]); // `generator > web.yaml` truncates first, writes later
        source.rescan();
        assertEquals(good, last(), "the program stays");
        write(dir, "web.yaml", program("web", "a"));
        source.rescan();

        assertEquals(good, last());
        assertEquals(1, published.size(), "never removed and added again");
    }

    @Test
    void aBrokenFileJustEmptiedKeepsItsErrorsWhileItIsWrittenAgain() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = startWithWeb(dir, Duration.ofMinutes(10)); // a stalled machine cannot outlast it
        write(dir, "web.yaml", program("web", "b") + "  replicas: -1\n");
        source.rescan();
        DesiredState broken = last();
        assertEquals(List.of("spec.replicas"), broken.errors().stream().map(ManifestError::field).toList());

        Files.write(dir.resolve("web.yaml"), new byte[0]);
        source.rescan();
        assertEquals(broken, last(), "not fixed, only being written: as it was, errors too");
        write(dir, "web.yaml", program("web", "b") + "  replicas: -2\n");
        source.rescan();
        assertEquals(broken.programs(), last().programs());
        assertEquals(List.of("spec.replicas: must be from 0 to 10000 (got -2)"),
                last().errors().stream().map(e -> e.field() + ": " + e.message()).toList());
    }

    /** A source of {@code dir}, started with web.yaml running program web, that re-lists only when asked. */
    /**
     * A source with web.yaml, whose watcher does not scan on file events: these tests take a scan by hand after several
     * changes that one scan must see together, and a busy machine could stall the test past the debounce between two.
     */
    private ManifestSource startWithWeb(Path dir, Duration emptyFileGrace) throws IOException {
        ManifestSource source = source(dir, NO_RESYNC, emptyFileGrace, NO_SCAN_ON_EVENTS);
        write(dir, "web.yaml", program("web", "a"));
        source.start();
        return source;
    }

    @Test
    void aFileLeftEmptyLosesItsProgramsOnceTheGraceEnds() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = source(dir, NO_RESYNC, Duration.ofSeconds(5)); // outlasts a stall before the first check
        write(dir, "web.yaml", program("web", "a"));
        write(dir, "api.yaml", program("api", "b"));
        source.start();

        Files.write(dir.resolve("web.yaml"), new byte[0]);
        source.rescan();
        assertTrue(last().programs().containsKey("web"), "held while it may be being written");

        // no event and no resync: the watch thread scans again when the grace ends
        await().atMost(30, TimeUnit.SECONDS).until(() -> !last().programs().containsKey("web"));
        assertEquals(List.of("api"), List.copyOf(last().programs().keySet()));
        assertEquals(List.of(), last().errors(), "an empty file is no error");
    }

    @Test
    void invalidFileKeepsItsLastGoodProgramsAndIsReportedOnce() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = startWithWeb(dir, ManifestSource.EMPTY_FILE_GRACE);
        DesiredState good = last();

        write(dir, "web.yaml", program("web", "b") + "  replicas: -1\n");
        source.rescan();
        DesiredState broken = last();
        assertEquals(good.programs(), broken.programs(), "the running program stays as it was");
        assertEquals(good.sources(), broken.sources());
        assertEquals(List.of(new ManifestError(dir.resolve("web.yaml"), 7, 13, "spec.replicas",
                "must be from 0 to 10000 (got -1)")), broken.errors());

        int deliveries = published.size();
        source.rescan();
        source.rescan();
        assertEquals(deliveries, published.size(), "an unchanged invalid file is not reported again");

        write(dir, "web.yaml", program("web", "c"));
        source.rescan();
        assertEquals(List.of("c"), last().programs().get("web").command());
        assertEquals(List.of(), last().errors());
    }

    @Test
    void aFileThatWasNeverValidOnlyContributesErrors() throws IOException {
        Path dir = root.resolve("manifests");
        write(dir, "web.yaml", program("web", "a"));
        write(dir, "bad.yaml", "kind: Program\n");
        source(dir, NO_RESYNC).start();
        assertEquals(List.of("web"), List.copyOf(last().programs().keySet()));
        assertEquals(List.of(dir.resolve("bad.yaml")), last().errors().stream().map(ManifestError::file).distinct()
                .toList());
        assertEquals(3, last().errors().size());
    }

    @Test
    void unreadableFileKeepsLastGood() throws IOException {
        Path dir = root.resolve("manifests");
        Path outside = linkedFromOutside(dir);
        ManifestSource source = scannedByHand(dir);
        source.start();
        assertTrue(last().programs().containsKey("web"));

        Files.delete(outside.resolve("web.yaml")); // the link now dangles
        source.rescan();
        assertTrue(last().programs().containsKey("web"));
        assertEquals(List.of(new ManifestError(dir.resolve("web.yaml"), 0, 0, "",
                "is a symbolic link to " + outside.resolve("web.yaml") + ", which does not exist; create "
                        + outside.resolve("web.yaml") + ", point the link at a manifest file, or remove the link")),
                last().errors());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // opening the pipe would wait for ever
    void aPipeADirectoryOrALinkToADeviceIsReportedNotSkipped() throws Exception {
        Path dir = root.resolve("manifests");
        write(dir, "web.yaml", program("web", "a"));
        assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("fifo.yaml").toString()).inheritIO().start().waitFor());
        Files.createDirectory(dir.resolve("dir.yaml"));
        Files.createSymbolicLink(dir.resolve("null.yml"), Path.of("/dev/null"));
        ManifestSource source = source(dir, NO_RESYNC);
        source.start();
        assertEquals(List.of("web"), List.copyOf(last().programs().keySet()));
        assertEquals(List.of("dir.yaml: is a directory", "fifo.yaml: is a named pipe (FIFO)",
                "null.yml: is a symbolic link to /dev/null, a character device"), last().errors().stream()
                .map(e -> e.file().getFileName() + ": " + e.message().substring(0, e.message().indexOf(", not a regular")))
                .sorted().toList());

        // Still one report each, not one per scan; and a writer waiting at the pipe changes nothing.
        int deliveries = published.size();
        Process writer = new ProcessBuilder("sh", "-c", "exec sleep 60 > fifo.yaml").directory(dir.toFile()).start();
        try {
            source.rescan();
            source.rescan();
            assertEquals(deliveries, published.size());
        } finally {
            writer.destroyForcibly();
        }
    }

    @Test
    void aFileIsReadAgainWhenOnlyItsChangeTimeMoved() throws IOException {
        // A chmod or chown changes neither size nor modification time: a file made readable again went unnoticed.
        // Here the content changes behind the same size and modification time, so only the change time tells.
        Path dir = root.resolve("manifests");
        Path file = write(dir, "web.yaml", program("web", "a"));
        FileTime modified = Files.getLastModifiedTime(file);
        ManifestSource source = source(dir, NO_RESYNC);
        source.start();
        awaitClockTickAfter(file);

        Files.writeString(file, program("web", "b"));
        Files.setLastModifiedTime(file, modified);
        source.rescan();

        assertEquals(List.of("b"), last().programs().get("web").command());
    }

    @Test
    void aFileRewrittenWhileItIsReadKeepsItsProgramsUntilItIsReadWhole() throws IOException {
        AtomicBoolean interfere = new AtomicBoolean();
        ManifestSource source = webReadOnceThenDisturbed(interfere,
                path -> Files.write(path, new byte[0]), // an editor's truncate, just after the scan took the file's stamp
                path -> Files.writeString(path, program("web", "bb"))); // and then its write (a size of its own: no clock needed)
        Path file = root.resolve("manifests").resolve("web.yaml");

        Files.writeString(file, program("web", "ccc"));
        interfere.set(true);
        source.rescan();
        assertEquals(List.of("a"), last().programs().get("web").command(), "the version read whole holds: web runs on");

        source.rescan(); // what the write's own event brings
        assertEquals(List.of("bb"), last().programs().get("web").command());
    }

    @Test
    void aJustEmptiedFileWrittenWhileItIsReadStaysHeld() throws IOException {
        // generator > web.yaml: the truncate is held; its write then lands while the next scan reads the file.
        AtomicBoolean interfere = new AtomicBoolean();
        ManifestSource source = webReadOnceThenDisturbed(interfere, path -> { },
                path -> Files.writeString(path, program("web", "c"))); // the rest of the write, after what was read
        Path file = root.resolve("manifests").resolve("web.yaml");
        Files.write(file, new byte[0]);
        source.rescan();
        assertEquals(List.of("a"), last().programs().get("web").command(), "held");

        Files.writeString(file, "# the first part of what the generator writes\n");
        interfere.set(true);
        source.rescan();
        assertEquals(List.of("a"), last().programs().get("web").command(), "still held: web runs on");

        source.rescan();
        assertEquals(List.of("c"), last().programs().get("web").command());
    }

    @Test
    void aFileWhoseStampDidNotMoveIsNotReadAgain() throws IOException {
        Path dir = root.resolve("manifests");
        write(dir, "web.yaml", program("web", "a"));
        ManifestLoader loader = new ManifestLoader();
        List<Path> reads = new CopyOnWriteArrayList<>();
        ManifestSource source = sourceReadingWith(dir, path -> {
            reads.add(path);
            return loader.read(path);
        });

        source.rescan();
        source.rescan();
        source.rescan();

        assertEquals(1, reads.size(), "the cache answers");
    }

    private interface FileStep {
        void on(Path file) throws IOException;
    }

    /** {@link ManifestLoader}'s read, with {@code before} and {@code after} around it the next time {@code armed} is set. */
    private static Function<Path, ManifestLoader.Parsed> disturbedOnce(AtomicBoolean armed, FileStep before, FileStep after) {
        ManifestLoader loader = new ManifestLoader();
        return path -> {
            boolean disturb = armed.getAndSet(false);
            try {
                if (disturb) {
                    before.on(path);
                }
                ManifestLoader.Parsed parsed = loader.read(path);
                if (disturb) {
                    after.on(path);
                }
                return parsed;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    /** A source (no re-list) whose files are read by {@code reader}, to see or disturb the reads. */
    /**
     * A source that has read manifests/web.yaml (program web, command a) once; its reads, once {@code interfere} is
     * set, are disturbed once by {@code before} and {@code after} ({@link #disturbedOnce}).
     */
    private ManifestSource webReadOnceThenDisturbed(AtomicBoolean interfere, FileStep before, FileStep after)
            throws IOException {
        Path dir = root.resolve("manifests");
        write(dir, "web.yaml", program("web", "a"));
        ManifestSource source = sourceReadingWith(dir, disturbedOnce(interfere, before, after));
        source.rescan();
        return source;
    }

    private ManifestSource sourceReadingWith(Path dir, Function<Path, ManifestLoader.Parsed> reader) {
        ManifestSource source = new ManifestSource(dir, reader, published::add, DEBOUNCE, NO_RESYNC,
                ManifestSource.EMPTY_FILE_GRACE);
        sources.add(source);
        return source;
    }

    /** Waits until a file written now would get a later change time than {@code file}'s (clocks tick coarsely). */
    private void awaitClockTickAfter(Path file) throws IOException {
        Object before = Files.getAttribute(file, "unix:ctime");
        Path probe = root.resolve("clock-probe");
        await("the file clock to tick").atMost(10, TimeUnit.SECONDS).until(() -> {
            Files.writeString(probe, "tick");
            return ((FileTime) Files.getAttribute(probe, "unix:ctime")).compareTo((FileTime) before) > 0;
        });
    }

    @Test
    void errorsAreSortedByFileThenLine() throws IOException {
        Path dir = root.resolve("manifests");
        write(dir, "b.yaml", "kind: Program\nmetadata: {name: b}\nspec: {command: [x], replicas: -1}\n");
        write(dir, "a.yaml", "apiVersion: v0\nkind: Program\nmetadata: {name: a}\nspec: {command: [x]}\n");
        source(dir, NO_RESYNC).start();
        assertEquals(List.of("a.yaml:1", "b.yaml:1", "b.yaml:3"), last().errors().stream()
                .map(e -> e.file().getFileName() + ":" + e.line()).toList());
    }

    @Test
    void editorAndHiddenFilesAreIgnored() throws IOException {
        Path dir = root.resolve("manifests");
        write(dir, "web.yaml", program("web", "a"));
        // Invalid content everywhere: any of these being read would show up as errors.
        for (String name : List.of(".web.yaml.swp", "web.yaml~", ".web.yaml", "web.yaml.bak", "#web.yaml#",
                "notes.txt", "4913", "web.yaml.tmp")) {
            Files.writeString(dir.resolve(name), "not: [valid");
        }
        Files.createDirectories(dir.resolve("sub.yaml"));
        write(dir.resolve("sub.yaml"), "inner.yaml", program("inner", "x"));
        ManifestSource source = source(dir, NO_RESYNC);
        source.start();
        assertEquals(List.of("web"), List.copyOf(last().programs().keySet()));
        // Not searched; named like a manifest, it is reported (aPipeADirectoryOrALinkToADeviceIsReportedNotSkipped)
        assertEquals(List.of(dir.resolve("sub.yaml")), last().errors().stream().map(ManifestError::file).toList());
    }

    @Test
    void duplicateNameAcrossFilesGoesToTheFirstFileByName() throws IOException {
        Path dir = root.resolve("manifests");
        write(dir, "b.yaml", program("api", "b1") + "---\n" + program("web", "b2"));
        write(dir, "a.yaml", program("web", "a"));
        source(dir, NO_RESYNC).start();
        DesiredState state = last();
        assertEquals(dir.resolve("a.yaml"), state.sources().get("web"));
        assertFalse(state.programs().containsKey("api"), "b.yaml is rejected as a whole and had no last good");
        assertEquals(List.of(new ManifestError(dir.resolve("b.yaml"), 11, 9, "metadata.name", "program \"web\" is"
                + " already defined in a.yaml, which keeps it; this file is not applied until you rename the program"
                + " or delete one of the two definitions")), state.errors());
    }

    @Test
    void duplicateNameStaysWithTheFileThatHadIt() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = scannedByHand(dir);
        write(dir, "b.yaml", program("web", "b"));
        source.start();

        write(dir, "a.yaml", program("web", "a"));
        source.rescan();
        assertEquals(dir.resolve("b.yaml"), last().sources().get("web"));
        assertEquals(List.of("b"), last().programs().get("web").command());
        assertEquals(1, last().errors().size());
        ManifestError error = last().errors().get(0);
        assertEquals(dir.resolve("a.yaml"), error.file());
        assertEquals("4:9 metadata.name", error.line() + ":" + error.column() + " " + error.field());
        assertTrue(error.message().contains("already defined in b.yaml"), error.message());

        // Once b.yaml lets go of the name, a.yaml gets it.
        write(dir, "b.yaml", program("other", "b"));
        source.rescan();
        assertEquals(dir.resolve("a.yaml"), last().sources().get("web"));
        assertEquals(dir.resolve("b.yaml"), last().sources().get("other"));
        assertEquals(List.of(), last().errors());
    }

    @Test
    void aProgramWhoseProcessWouldShareAnotherProgramsProcessNameIsRejected() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = scannedByHand(dir);
        write(dir, "a.yaml", program("a", "a") + "  replicas: 2\n"); // processes a-0 and a-1
        write(dir, "b.yaml", program("a-0", "b"));
        source.start();

        DesiredState state = last();
        assertEquals(List.of("a"), List.copyOf(state.programs().keySet()), "the first file by name keeps it");
        ManifestError error = state.errors().get(0);
        assertEquals(dir.resolve("b.yaml"), error.file());
        assertEquals("4:9 metadata.name", error.line() + ":" + error.column() + " " + error.field());
        assertTrue(error.message().startsWith("program \"a-0\" would run a process named \"a-0\", and so does program"
                + " \"a\" in a.yaml (2 replicas: a-0, a-1)"), error.message());

        // The one that changes into a clash gives way, whatever the file order: a-0 was there, unchanged.
        write(dir, "a.yaml", program("a", "a"));
        source.rescan();
        assertEquals(List.of("a", "a-0"), List.copyOf(new java.util.TreeSet<>(last().programs().keySet())));
        write(dir, "a.yaml", program("a", "a2") + "  replicas: 2\n");
        source.rescan();
        assertEquals(List.of("a"), last().programs().get("a").command(), "a.yaml keeps its last good version");
        assertEquals(1, last().programs().get("a").replicas());
        assertEquals(dir.resolve("a.yaml"), last().errors().get(0).file());
    }

    @Test
    void aProgramNamedLikeAnotherProgramsProcessIsRejectedWhateverItsReplicas() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = scannedByHand(dir);
        write(dir, "a.yaml", program("a", "a") + "  replicas: 2\n"); // processes a-0 and a-1
        write(dir, "b.yaml", program("a-0", "b") + "  replicas: 2\n"); // processes a-0-0 and a-0-1: "a-0" would mean two things
        source.start();

        assertEquals(List.of("a"), List.copyOf(last().programs().keySet()));
        assertEquals("program \"a-0\" is named like a process of program \"a\" in a.yaml (2 replicas: a-0, a-1); this file"
                + " is not applied until you rename program \"a-0\", or give program \"a\" fewer replicas", last().errors().get(0).message());

        // From the other side: a-0 is there first, and a grows a process of that name.
        write(dir, "a.yaml", program("a", "a"));
        source.rescan();
        assertEquals(List.of("a", "a-0"), List.copyOf(new java.util.TreeSet<>(last().programs().keySet())));
        write(dir, "a.yaml", program("a", "a") + "  replicas: 2\n");
        source.rescan();
        assertEquals(1, last().programs().get("a").replicas(), "a.yaml keeps its last good version");
        assertEquals("program \"a\" would run a process named \"a-0\", which is the name of program \"a-0\" in b.yaml"
                + " (2 replicas: a-0-0, a-0-1); this file is not applied until you rename program \"a-0\", or give program"
                + " \"a\" fewer replicas", last().errors().get(0).message());
    }

    @Test
    void aRejectedFileKeepsItsLastGoodPrograms() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = scannedByHand(dir);
        write(dir, "a.yaml", program("web", "a"));
        write(dir, "b.yaml", program("api", "b1"));
        source.start();

        write(dir, "b.yaml", program("api", "b2") + "---\n" + program("web", "b"));
        source.rescan();
        DesiredState state = last();
        assertEquals(List.of("b1"), state.programs().get("api").command(), "b.yaml's last good api stays");
        assertEquals(List.of("a"), state.programs().get("web").command());
        assertEquals(dir.resolve("b.yaml"), state.sources().get("api"));
        assertEquals(1, state.errors().size());
    }

    @Test
    void aFileRenamedAndBrokenInOneScanKeepsItsProgramsRunningUntilFixedOrRemoved() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = scannedByHand(dir);
        write(dir, "web.yaml", program("web", "a") + "---\n" + program("db", "d"));
        write(dir, "api.yaml", program("api", "x"));
        source.start();
        DesiredState before = last();

        // A checkout: web.yaml became web-v2.yaml, which this daemon cannot read (a value it refuses).
        Files.delete(dir.resolve("web.yaml"));
        write(dir, "web-v2.yaml", program("web", "b") + "  replicas: -1\n---\n" + program("db", "d"));
        source.rescan();
        assertEquals(before.programs(), last().programs(), "nothing running is lost");
        assertEquals(dir.resolve("web-v2.yaml"), last().sources().get("web"), "held by the file that names it now");
        assertEquals(dir.resolve("web-v2.yaml"), last().sources().get("db"));
        assertEquals(List.of(
                "web-v2.yaml:4:9: program \"web\" keeps running as it was: its file web.yaml is gone and this file, which"
                        + " names it, is invalid; fix this file to apply it, or stop it with `steward delete program web`",
                "web-v2.yaml:7:13: spec.replicas: must be from 0 to 10000 (got -1)",
                "web-v2.yaml:12:9: program \"db\" keeps running as it was: its file web.yaml is gone and this file, which"
                        + " names it, is invalid; fix this file to apply it, or stop it with `steward delete program db`"),
                last().errors().stream().map(e -> e.toString().substring(dir.toString().length() + 1)).toList());

        source.rescan();
        assertEquals(before.programs(), last().programs(), "still held at the next scan, as the file's own now");
        assertEquals(List.of("spec.replicas"), last().errors().stream().map(ManifestError::field).toList(),
                "the note was said once, in the scan that took them over");

        write(dir, "web-v2.yaml", program("web", "c"));
        source.rescan();
        assertEquals(List.of("c"), last().programs().get("web").command(), "fixed: its own version now");
        assertEquals(List.of("api", "web"), last().programs().keySet().stream().sorted().toList(), "db left the file");
        assertEquals(List.of(), last().errors());
    }

    @Test
    void aProgramWhoseFileIsRemovedStopsThoughAnOlderBrokenFileNamesIt() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = scannedByHand(dir);
        write(dir, "web.yaml", program("web", "a"));
        write(dir, "a-draft.yaml", program("web", "b") + "  replicas: -1\n");
        source.start();

        Files.delete(dir.resolve("web.yaml")); // on purpose, or by `steward delete program web`
        source.rescan();
        assertEquals(Map.of(), last().programs(), "the draft was there before: it is no rename");
    }

    @Test
    void aValidFileThatNamesAProgramWinsOverABrokenCopyNewInTheSameScan() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = startWithWeb(dir, ManifestSource.EMPTY_FILE_GRACE);

        Files.delete(dir.resolve("web.yaml"));
        write(dir, "a-copy.yaml", program("web", "b") + "  replicas: -1\n");
        write(dir, "web2.yaml", program("web", "c"));
        source.rescan();
        assertEquals(List.of("c"), last().programs().get("web").command());
        assertEquals(dir.resolve("web2.yaml"), last().sources().get("web"));
        assertEquals(List.of(dir.resolve("a-copy.yaml")), last().errors().stream().map(ManifestError::file).toList());
    }

    @Test
    void onlyAnInvalidProgramDocumentThatNamesARemovedProgramKeepsIt() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = scannedByHand(dir);
        write(dir, "web.yaml", program("web", "a"));
        write(dir, "db.yaml", program("db", "d"));
        write(dir, "api.yaml", program("api", "x"));
        source.start();

        Files.delete(dir.resolve("web.yaml"));
        Files.delete(dir.resolve("db.yaml"));
        Files.delete(dir.resolve("api.yaml"));
        write(dir, "deploy.yaml", program("web", "b").replace("kind: Program", "kind: Deployment"));
        write(dir, "other.yaml", program("other", "b") + "  replicas: -1\n  environment: {db: x}\n");
        // A file that is not YAML names nothing, even in the documents before the break.
        write(dir, "broken.yaml", program("api", "b") + "---\n" + program("x", "b").replace("[b]", "[b, \"unclosed]"));
        write(dir, "other-api.yaml", program("web", "b").replace("steward.dev/v1", "apps/v1") + "  replicas: -1\n");
        source.rescan();
        assertEquals(Map.of(), last().programs(), "another kind's name, another API's, a field called db, and a file"
                + " that is not YAML hold nothing");
    }

    @Test
    void aProgramTakenOverFromARenamedFileIsNamedAtItsProgramDocument() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = startWithWeb(dir, ManifestSource.EMPTY_FILE_GRACE);

        // Written aside and moved in, then the old file removed: one scan sees both.
        write(dir, ".both.yaml", program("web", "d").replace("kind: Program", "kind: Deployment")
                + "---\n" + program("web", "b") + "  replicas: -1\n");
        Files.move(dir.resolve(".both.yaml"), dir.resolve("both.yaml"));
        Files.delete(dir.resolve("web.yaml"));
        source.rescan();
        assertEquals(List.of("a"), last().programs().get("web").command());
        assertEquals(List.of("both.yaml:11:9"), last().errors().stream()
                .filter(e -> e.message().startsWith("program \"web\" keeps running"))
                .map(e -> e.file().getFileName() + ":" + e.line() + ":" + e.column()).toList(),
                "at the Program's name, not the Deployment's: " + last().errors());
    }

    @Test
    void deletingTheOwnerHandsTheNameOver() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = scannedByHand(dir);
        write(dir, "a.yaml", program("web", "a"));
        write(dir, "b.yaml", program("web", "b"));
        source.start();
        Files.delete(dir.resolve("a.yaml"));
        source.rescan();
        assertEquals(List.of("b"), last().programs().get("web").command());
        assertEquals(List.of(), last().errors());
    }

    @Test
    void rescanSeesChangesTheWatchCannotSee() throws IOException {
        // Editing the target of a symlink sends no event to the watched directory: only a re-list finds it.
        Path dir = root.resolve("manifests");
        Path outside = linkedFromOutside(dir);
        ManifestSource source = scannedByHand(dir);
        source.start();

        write(outside, "web.yaml", program("web", "b"));
        source.rescan();
        assertEquals(List.of("b"), last().programs().get("web").command());
    }

    @Test
    void periodicResyncSeesChangesTheWatchCannotSee() throws IOException {
        Path dir = root.resolve("manifests");
        Path outside = linkedFromOutside(dir);
        source(dir, Duration.ofMillis(100)).start();

        write(outside, "web.yaml", program("web", "b"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().get("web").command().equals(List.of("b")));
    }

    @Test
    void aChangeOfTheDirectorysModeIsSeenAtOnce() throws IOException {
        // chmod 000 and back: inotify tells the parent's watch, under the directory's name; without it, only the
        // re-list 30 s later would read the directory again. The change the scan finds is one the watch cannot see
        // (a link's target outside), since a root test cannot be refused the listing.
        Path dir = root.resolve("manifests");
        Path outside = linkedFromOutside(dir);
        source(dir, NO_RESYNC).start();
        write(outside, "web.yaml", program("web", "b"));

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));

        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().get("web").command().equals(List.of("b")));
    }

    @Test
    void aDirectoryDeletedIsSaidOnceAndSoIsItsReturn() throws IOException {
        Path dir = root.resolve("manifests");
        write(dir, "web.yaml", program("web", "a"));
        List<String> warnings = new CopyOnWriteArrayList<>();
        List<String> notices = new CopyOnWriteArrayList<>();
        sourceTelling(dir, Duration.ofMillis(50), warnings, notices).start();

        Files.delete(dir.resolve("web.yaml"));
        Files.delete(dir);

        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().isEmpty());
        await("one warning, not one per re-list").during(Duration.ofMillis(500)).atMost(10, TimeUnit.SECONDS)
                .until(() -> warnings.size() == 1);
        assertEquals("the manifest directory " + dir + " is gone (deleted or moved away): the programs it defined"
                + " stop; create it again, or move it back, and its manifests are read at once", warnings.get(0));
        assertEquals(List.of(), notices);

        write(dir, "web.yaml", program("web", "a"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().programs().containsKey("web"));
        assertEquals(List.of("the manifest directory " + dir + " can be read again: what it holds now is in force"),
                notices);
        assertEquals(1, warnings.size());
    }

    @Test
    void aDirectoryThatCannotBeListedKeepsItsProgramsAndIsSaidOnce() throws IOException {
        Path dir = root.resolve("manifests");
        write(dir, "web.yaml", program("web", "a"));
        List<String> warnings = new CopyOnWriteArrayList<>();
        List<String> notices = new CopyOnWriteArrayList<>();
        sourceTelling(dir, Duration.ofMillis(50), warnings, notices).start();

        // a file where the directory was: as a directory made unreadable, it cannot be listed (a root test is
        // never refused a listing)
        Files.move(dir, root.resolve("manifests.old"));
        Files.writeString(dir, "not a directory");

        await().atMost(10, TimeUnit.SECONDS).until(() -> warnings.size() == 1);
        await("one warning, not one per re-list").during(Duration.ofMillis(500)).atMost(10, TimeUnit.SECONDS)
                .until(() -> warnings.size() == 1);
        assertEquals("cannot list the manifest directory " + dir + " (it is not a directory: move that file away and"
                + " put the manifest directory back); the programs go on as they are until it can be read again",
                warnings.get(0));
        assertEquals(List.of("web"), List.copyOf(last().programs().keySet()));

        Files.delete(dir);
        Files.move(root.resolve("manifests.old"), dir);
        await().atMost(10, TimeUnit.SECONDS).until(() -> notices.size() == 1);
        assertEquals(List.of("web"), List.copyOf(last().programs().keySet()));
    }

    @Test
    void aDirectoryMadeWritableByEveryUserIsNotReadUntilItIsNoLonger() throws IOException {
        Path dir = root.resolve("manifests");
        List<String> warnings = new CopyOnWriteArrayList<>();
        List<String> notices = new CopyOnWriteArrayList<>();
        plantWhileOpenToEveryUser(dir, warnings, notices);

        await().atMost(10, TimeUnit.SECONDS).until(() -> warnings.size() == 1);
        await("one warning, and the planted file never read").during(Duration.ofMillis(500)).atMost(10, TimeUnit.SECONDS)
                .until(() -> warnings.size() == 1 && last().programs().keySet().equals(Set.of("web")));
        assertEquals("the manifest directory " + dir + " has become writable by every user (rwxrwxrwx): any of them could"
                + " drop a manifest there, whose command the daemon would run as its own user; its files are not read, and the"
                + " programs go on as they are, until you chmod o-w it. A file another user leaves there meanwhile is refused then, as theirs (ls -la " + dir
                + " shows them)", warnings.get(0));

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> notices.size() == 1);
        assertEquals(Set.of("web", "planted"), last().programs().keySet());
    }

    @Test
    void aFileAnotherUserPutThereWhileTheDirectoryWasOpenIsRefusedOnceItIsPrivate() throws IOException {
        Path dir = root.resolve("manifests");
        List<String> warnings = new CopyOnWriteArrayList<>();
        List<String> notices = new CopyOnWriteArrayList<>();
        Path planted = plantWhileOpenToEveryUser(dir, warnings, notices);
        try {
            Files.setAttribute(planted, "unix:uid", 54321); // as the user who wrote it there would own it
        } catch (IOException notRoot) {
            Assumptions.abort("giving a file to another user needs root: " + notRoot);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> warnings.size() == 1);

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x")); // chmod o-w
        await().atMost(10, TimeUnit.SECONDS).until(() -> notices.size() == 1);
        assertEquals(Set.of("web"), last().programs().keySet());
        assertEquals(List.of("is owned by uid 54321, who cannot write " + dir), last().errors().stream()
                .map(error -> error.message().substring(0, error.message().indexOf(':'))).toList());
    }

    @Test
    void aFileRefusedAsAnotherUsersIsReadOnceTheDirectoryIsGivenToThemAndRefusedOnceTakenBack() throws IOException {
        Path dir = Files.createDirectories(root.resolve("manifests"));
        Path theirs = write(dir, "web.yaml", program("web", "a"));
        try {
            Files.setAttribute(theirs, "unix:uid", 54321);
        } catch (IOException notRoot) {
            Assumptions.abort("giving a file to another user needs root: " + notRoot);
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid");
        source(dir, NO_RESYNC).start();
        assertEquals(Set.of(), last().programs().keySet(), "refused: uid 54321 cannot write the directory");

        Files.setAttribute(dir, "unix:uid", 54321); // the refusal's second way out: give them the directory
        await("judged again, though the file itself did not change").atMost(10, TimeUnit.SECONDS)
                .until(() -> last().programs().keySet().equals(Set.of("web")));

        Files.setAttribute(dir, "unix:uid", owner); // taken back: refused again, its last good programs kept
        await().atMost(10, TimeUnit.SECONDS).until(() -> last().errors().size() == 1);
        assertTrue(last().errors().get(0).message().startsWith("is owned by uid 54321"), last().errors().toString());
    }

    @Test
    void aLinkRefusedAsAnotherUsersIsReadOnceItIsChownedBack() throws IOException {
        Path dir = Files.createDirectories(root.resolve("manifests"));
        Path target = write(Files.createDirectories(root.resolve("outside")), "web.yaml", program("web", "a"));
        Path link = Files.createSymbolicLink(dir.resolve("web.yaml"), target);
        int owner = (Integer) Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        try {
            Files.setAttribute(link, "unix:uid", 54321, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException notRoot) {
            Assumptions.abort("giving a link to another user needs root: " + notRoot);
        }
        source(dir, NO_RESYNC).start();
        assertTrue(last().errors().get(0).message().startsWith("is a symbolic link owned by uid 54321"),
                last().errors().toString());

        Files.setAttribute(link, "unix:uid", owner, LinkOption.NOFOLLOW_LINKS); // chown -h, as the refusal says
        await("read again, though the file it leads to did not change").atMost(10, TimeUnit.SECONDS)
                .until(() -> last().programs().keySet().equals(Set.of("web")));
    }

    /** planted.yaml, written while the directory of web.yaml, which a source reads, is writable by every user. */
    private Path plantWhileOpenToEveryUser(Path dir, List<String> warnings, List<String> notices) throws IOException {
        write(dir, "web.yaml", program("web", "a"));
        sourceTelling(dir, Duration.ofMillis(50), warnings, notices).start();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return write(dir, "planted.yaml", program("planted", "b"));
    }

    private ManifestSource sourceTelling(Path dir, Duration resync, List<String> warnings, List<String> notices) {
        ManifestSource source = new ManifestSource(dir, new ManifestLoader()::read, published::add, DEBOUNCE, resync,
                ManifestSource.EMPTY_FILE_GRACE, warnings::add, notices::add);
        sources.add(source);
        return source;
    }

    @Test
    void aFailingListenerIsOfferedTheStateAgain() throws IOException {
        Path dir = root.resolve("manifests");
        AtomicInteger calls = new AtomicInteger();
        ManifestSource source = failingAtTheSecondState(dir, calls);
        source.rescan();
        write(dir, "web.yaml", program("web", "a"));
        assertThrows(IllegalStateException.class, source::rescan);
        assertEquals(DesiredState.empty(), source.current());
        source.rescan();
        assertTrue(source.current().programs().containsKey("web"));
        assertEquals(3, calls.get());
    }

    @Test
    void aProgramTakenOverFromARenamedFileStaysSoWhenTheListenerFailedAtFirst() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = failingAtTheSecondState(dir, new AtomicInteger());
        write(dir, "web.yaml", program("web", "a"));
        source.rescan();
        Files.delete(dir.resolve("web.yaml"));
        write(dir, "web-v2.yaml", program("web", "b") + "  replicas: -1\n");
        assertThrows(IllegalStateException.class, source::rescan);
        source.rescan(); // the retry: web-v2.yaml is still new to the state the listener has
        assertEquals(List.of("a"), source.current().programs().get("web").command());
    }

    /** A source whose listener throws at the second state it is offered; {@code calls} counts the offers. */
    private ManifestSource failingAtTheSecondState(Path dir, AtomicInteger calls) throws IOException {
        Files.createDirectories(dir);
        ManifestSource source = new ManifestSource(dir, new ManifestLoader(), state -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("reconcile failed");
            }
            published.add(state);
        }, DEBOUNCE, NO_RESYNC);
        sources.add(source);
        return source;
    }

    @Test
    void theListenerIsNeverCalledConcurrently() throws Exception {
        Path dir = root.resolve("manifests");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        ManifestSource source = new ManifestSource(dir, new ManifestLoader(), state -> {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            calls.incrementAndGet();
            Thread.yield(); // widen the window a concurrent call would need
            inside.decrementAndGet();
        }, Duration.ofMillis(1), Duration.ofMillis(5));
        sources.add(source);
        source.start();
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 50; i++) {
                        write(dir, "p" + id + ".yaml", program("p" + id, "v" + i));
                        source.rescan();
                    }
                } catch (IOException | InterruptedException | RuntimeException e) {
                    failures.add(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(List.of(), failures);
        assertTrue(calls.get() > 50, "calls: " + calls.get());
        assertEquals(0, overlaps.get());
    }

    @Test
    void closeStopsDeliveries() throws IOException {
        Path dir = root.resolve("manifests");
        ManifestSource source = source(dir, Duration.ofMillis(20));
        source.start();
        source.close();
        source.rescan();
        int deliveries = published.size();
        assertEquals(1, deliveries);
        write(dir, "web.yaml", program("web", "a"));
        // Nothing may arrive; give the watch and resync several periods to prove it.
        await().during(300, TimeUnit.MILLISECONDS).atMost(10, TimeUnit.SECONDS)
                .until(() -> published.size() == deliveries);
    }

    @Test
    void aSwapOfNamesContestedByAThirdFileSettlesAsARescanWould() {
        // f2 held c and f3 held b; now f2 defines b and f3 c (a swap), f1 defines d, whose file f5 is gone, and f0,
        // which sorts first, defines all three. Rejecting f1, f2 and f3 first (f0 claimed their names first) left f2
        // and f3 on their old programs and f0 out too, and a re-scan, finding d with f1, let the swap in.
        Path f0 = Path.of("m", "f0.yaml");
        Path f1 = Path.of("m", "f1.yaml");
        Path f2 = Path.of("m", "f2.yaml");
        Path f3 = Path.of("m", "f3.yaml");
        DesiredState previous = new DesiredState(Map.of("a", spec("a", "old"), "b", spec("b", "old"), "c", spec("c", "old"),
                "d", spec("d", "old")), Map.of("a", f2, "b", f3, "c", f2, "d", Path.of("m", "f5.yaml")), List.of());
        List<ManifestLoader.Parsed> files = List.of(
                parsed(f0, spec("b", "f0"), spec("c", "f0"), spec("d", "f0")), parsed(f1, spec("d", "f1")),
                parsed(f2, spec("b", "f2")), parsed(f3, spec("c", "f3")));

        DesiredState state = Snapshots.build(files, previous, Set.of(), Set.of(f1));

        assertEquals(Map.of("b", f2, "c", f3, "d", f1), state.sources());
        assertEquals(List.of("f2", "f3", "f1"), List.of(state.programs().get("b").command().get(0),
                state.programs().get("c").command().get(0), state.programs().get("d").command().get(0)));
        assertEquals(Set.of(f0), state.errors().stream().map(ManifestError::file).collect(java.util.stream.Collectors.toSet()),
                "only f0, which contests every name, is kept out");
        assertEquals(state, Snapshots.build(files, state, Set.of(), Set.of()), "a re-scan changes nothing");
    }

    @Test
    void theErrorsOfAReadingAreThoseARescanReports() {
        // f0 loses b to f1. The first pass, which began with f0 in force, also blamed it for b-1 being a process name
        // of its own b; a re-scan, where f0 is out from the start, did not. The reading reports what a re-scan does.
        Path f0 = Path.of("m", "f0.yaml");
        Path f1 = Path.of("m", "f1.yaml");
        List<ManifestLoader.Parsed> files = List.of(parsed(f0, replicas("b", 3), replicas("b-1", 3)),
                parsed(f1, replicas("a-1", 2), replicas("b", 3)));

        DesiredState state = Snapshots.build(files, DesiredState.empty(), Set.of(), Set.of());

        assertEquals(Map.of("a-1", f1, "b", f1), state.sources());
        assertEquals(state, Snapshots.build(files, state, Set.of(), Set.of()), "a re-scan changes nothing, errors neither");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void chainsOfReadingsWithClashingProcessNamesAreStableAndKeepOnlyWhatRan() {
        // Names whose processes clash (a with 2 replicas runs a-0 and a-1), replicas 1-3, files valid, invalid or
        // held, each reading's state the next one's previous, as the daemon runs them.
        Random random = new Random(20261206);
        List<String> names = List.of("a", "a-0", "a-1", "b", "b-1");
        int rejectedFiles = 0;
        for (int chain = 0; chain < 300; chain++) {
            DesiredState previous = DesiredState.empty();
            for (int reading = 0; reading < 10; reading++) {
                List<ManifestLoader.Parsed> files = new ArrayList<>();
                Set<Path> held = new HashSet<>();
                int fileCount = 1 + random.nextInt(4);
                for (int i = 0; i < fileCount; i++) {
                    Path path = Path.of("m", "f" + i + ".yaml");
                    int kind = random.nextInt(8);
                    if (kind == 0) {
                        files.add(new ManifestLoader.Parsed(ManifestFile.invalid(path,
                                List.of(new ManifestError(path, 1, 1, "spec", "broken"))), Map.of()));
                        continue;
                    }
                    if (kind == 1) {
                        held.add(path);
                        files.add(parsed(path));
                        continue;
                    }
                    List<ProgramSpec> programs = new ArrayList<>();
                    for (String name : names) {
                        if (random.nextInt(4) == 0) {
                            programs.add(replicas(name, 1 + random.nextInt(3)));
                        }
                    }
                    files.add(parsed(path, programs.toArray(ProgramSpec[]::new)));
                }
                String scenario = "chain " + chain + ", reading " + reading + ": previous " + previous.sources()
                        + ", files " + files.stream().map(f -> f.file().path() + (held.contains(f.file().path()) ? " (held)"
                        : f.file().valid() ? " " + f.file().programs().stream().map(p -> p.name() + "x" + p.replicas()).toList()
                        : " (invalid)")).toList();

                DesiredState state = Snapshots.build(files, previous, held, Set.of());

                assertEquals(state, Snapshots.build(files, state, held, Set.of()), "a re-scan changes nothing; " + scenario);
                assertTrue(ProcessNames.find(List.of(), state.programs().values()).isEmpty(), "no clash runs; " + scenario);
                for (ManifestLoader.Parsed file : files) {
                    Path path = file.file().path();
                    Map<String, ProgramSpec> holds = programsOf(state, path);
                    if (errorsOf(state, path).isEmpty() && !held.contains(path)) {
                        assertEquals(programsOf(file), holds, "an accepted file holds its programs; " + scenario);
                    } else {
                        rejectedFiles += file.file().valid() && !held.contains(path) ? 1 : 0;
                        assertEquals(programsOf(previous, path), holds, "a file not applied keeps what ran; " + scenario);
                    }
                }
                previous = state;
            }
        }
        assertTrue(rejectedFiles > 300, "the readings reject valid files: " + rejectedFiles);
    }

    private static Map<String, ProgramSpec> programsOf(ManifestLoader.Parsed file) {
        Map<String, ProgramSpec> programs = new HashMap<>();
        file.file().programs().forEach(program -> programs.put(program.name(), program));
        return programs;
    }

    private static ProgramSpec replicas(String name, int replicas) {
        return new ManifestLoader().parse(Path.of("x.yaml"), program(name, "x") + "  replicas: " + replicas + "\n")
                .programs().get(0);
    }

    private static ManifestLoader.Parsed parsed(Path file, ProgramSpec... programs) {
        Map<String, NodeReader.Position> positions = new HashMap<>();
        for (ProgramSpec program : programs) {
            positions.put(program.name(), new NodeReader.Position(positions.size() + 1, 9));
        }
        return new ManifestLoader.Parsed(ManifestFile.valid(file, List.of(programs)), positions);
    }

    @Test
    // A resolution that never settles would hang the watch thread: fail instead, even from a busy loop.
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nameConflictsResolveConsistentlyInEveryCombination() {
        // Random directories of up to 5 files over 4 names, each file valid or not, on top of a random previous
        // state: the rules must always terminate, give each name one owner, and be stable on a re-scan.
        Random random = new Random(42);
        Random holds = new Random(7); // its own: more draws from the first would change every later round
        List<String> names = List.of("a", "b", "c", "d");
        int takeovers = 0;
        int heldWithErrors = 0;
        for (int round = 0; round < 3000; round++) {
            List<Path> paths = new ArrayList<>();
            int fileCount = 1 + random.nextInt(5);
            for (int i = 0; i < fileCount; i++) {
                paths.add(Path.of("m", "f" + i + ".yaml"));
            }
            Map<String, ProgramSpec> previousPrograms = new HashMap<>();
            Map<String, Path> previousSources = new HashMap<>();
            for (String name : names) {
                if (random.nextBoolean()) {
                    previousPrograms.put(name, spec(name, "old" + random.nextInt(2)));
                    previousSources.put(name, Path.of("m", "f" + random.nextInt(6) + ".yaml"));
                }
            }
            DesiredState previous = new DesiredState(previousPrograms, previousSources, List.of());
            List<ManifestLoader.Parsed> files = new ArrayList<>();
            Set<Path> appeared = new HashSet<>();
            for (Path path : paths) {
                if (random.nextBoolean() && !previousSources.containsValue(path)) {
                    appeared.add(path); // not there at the previous scan, so it held nothing then
                }
                if (random.nextInt(4) == 0) {
                    Map<String, NodeReader.Position> named = new HashMap<>(); // the Program names a broken file still has
                    for (String name : names) {
                        if (random.nextInt(3) == 0) {
                            named.put(name, new NodeReader.Position(named.size() + 1, 9));
                        }
                    }
                    files.add(new ManifestLoader.Parsed(ManifestFile.invalid(path,
                            List.of(new ManifestError(path, 1, 1, "", "broken"))), named));
                    continue;
                }
                List<ProgramSpec> programs = new ArrayList<>();
                Map<String, NodeReader.Position> positions = new HashMap<>();
                for (String name : names) {
                    if (random.nextInt(3) == 0) {
                        programs.add(spec(name, "new" + random.nextInt(2)));
                        positions.put(name, new NodeReader.Position(programs.size(), 9));
                    }
                }
                files.add(new ManifestLoader.Parsed(ManifestFile.valid(path, programs), positions));
            }
            String scenario = "round " + round + ": previous " + previousSources + ", files " + files.stream()
                    .map(f -> f.file().path() + (f.file().valid() ? "" : " (invalid, naming " + f.namePositions().keySet() + ")")
                            + " " + f.file().programs().stream().map(ProgramSpec::name).toList())
                    .toList() + ", new " + appeared;

            DesiredState state = Snapshots.build(files, previous, Set.of(), appeared);

            for (ManifestLoader.Parsed file : files) {
                Path path = file.file().path();
                List<ManifestError> errors = state.errors().stream().filter(e -> e.file().equals(path)).toList();
                Map<String, ProgramSpec> held = new HashMap<>();
                state.sources().forEach((name, source) -> {
                    if (source.equals(path)) {
                        held.put(name, state.programs().get(name));
                    }
                });
                if (errors.isEmpty()) {
                    assertTrue(file.file().valid(), scenario);
                    Map<String, ProgramSpec> expected = new HashMap<>();
                    file.file().programs().forEach(p -> expected.put(p.name(), p));
                    assertEquals(expected, held, "an accepted file holds exactly its programs; " + scenario);
                    continue;
                }
                for (Map.Entry<String, ProgramSpec> kept : held.entrySet()) {
                    String name = kept.getKey();
                    // Its last good programs, or one taken over: new and invalid, it names a program whose file is gone.
                    boolean takenOver = !file.file().valid() && appeared.contains(path) && file.namePositions().containsKey(name)
                            && !paths.contains(previousSources.get(name));
                    assertTrue(path.equals(previousSources.get(name)) || takenOver, "only last good programs; " + scenario);
                    if (!path.equals(previousSources.get(name))) {
                        takeovers++;
                    }
                    assertEquals(previousPrograms.get(name), kept.getValue(), scenario);
                }
                if (file.file().valid()) {
                    boolean lostToAFileThatMeansIt = false;
                    for (ManifestError error : errors) {
                        String name = error.message().split("\"")[1];
                        Path owner = state.sources().get(name);
                        assertTrue(owner != null && !owner.equals(path)
                                        && error.message().contains(owner.getFileName().toString()),
                                "a rejection names the file that holds the name; " + scenario);
                        boolean ownerInvalid = files.stream().anyMatch(f -> f.file().path().equals(owner) && !f.file().valid());
                        lostToAFileThatMeansIt |= !ownerInvalid || owner.equals(previousSources.get(name));
                    }
                    assertTrue(lostToAFileThatMeansIt, "a file that took a program over never rejects a valid file"
                            + " that names it (it gives way); " + scenario);
                }
            }
            for (ManifestLoader.Parsed file : files) {
                Path path = file.file().path();
                previousSources.forEach((name, source) -> {
                    if (source.equals(path) && !file.file().valid()) {
                        assertEquals(path, state.sources().get(name), "an invalid file keeps its names; " + scenario);
                    }
                });
            }
            // A re-scan finds no file new; what it runs stays, and only the once-said takeover notes go.
            DesiredState again = Snapshots.build(files, state, Set.of(), Set.of());
            assertEquals(state.programs(), again.programs(), "a re-scan of the same files changes nothing; " + scenario);
            assertEquals(state.sources(), again.sources(), scenario);
            assertEquals(state.errors().stream().filter(e -> !e.message().contains(" keeps running as it was")).toList(),
                    again.errors(), scenario);
            // A file held for a moment (just emptied, being rewritten) keeps what it had: its programs and its errors.
            // (Others may settle differently: a held file drops out of the contests its new version was in.)
            Set<Path> held = new HashSet<>();
            List<ManifestLoader.Parsed> someEmptied = new ArrayList<>();
            for (ManifestLoader.Parsed file : files) {
                boolean emptied = holds.nextInt(3) == 0;
                if (emptied) {
                    held.add(file.file().path());
                }
                someEmptied.add(emptied ? new ManifestLoader.Parsed(ManifestFile.valid(file.file().path(), List.of()),
                        Map.of()) : file);
            }
            DesiredState whileHeld = Snapshots.build(someEmptied, again, held, Set.of());
            for (Path path : held) {
                heldWithErrors += errorsOf(again, path).isEmpty() ? 0 : 1;
                assertEquals(errorsOf(again, path), errorsOf(whileHeld, path), "held " + path + "; " + scenario);
                assertEquals(programsOf(again, path), programsOf(whileHeld, path), "held " + path + "; " + scenario);
            }
            // Whatever a file took over, a program that a file accepted now offers is that file's.
            for (ManifestLoader.Parsed file : files) {
                if (file.file().valid() && state.errors().stream().noneMatch(e -> e.file().equals(file.file().path()))) {
                    file.file().programs().forEach(p -> assertEquals(file.file().path(), state.sources().get(p.name()), scenario));
                }
            }
        }
        assertTrue(takeovers > 100, "the rounds exercise takeovers: " + takeovers);
        assertTrue(heldWithErrors > 100, "the rounds hold files in error: " + heldWithErrors);
    }

    private static List<ManifestError> errorsOf(DesiredState state, Path file) {
        return state.errors().stream().filter(e -> e.file().equals(file)).toList();
    }

    private static Map<String, ProgramSpec> programsOf(DesiredState state, Path file) {
        Map<String, ProgramSpec> programs = new HashMap<>();
        state.sources().forEach((name, source) -> {
            if (source.equals(file)) {
                programs.put(name, state.programs().get(name));
            }
        });
        return programs;
    }

    private ManifestSource source(Path dir, Duration resync) {
        return source(dir, resync, ManifestSource.EMPTY_FILE_GRACE);
    }

    /** A source whose watcher does not scan on file events: the test scans by hand (see {@link #startWithWeb}). */
    private ManifestSource scannedByHand(Path dir) {
        return source(dir, NO_RESYNC, ManifestSource.EMPTY_FILE_GRACE, NO_SCAN_ON_EVENTS);
    }

    private ManifestSource source(Path dir, Duration resync, Duration emptyFileGrace) {
        return source(dir, resync, emptyFileGrace, DEBOUNCE);
    }

    private ManifestSource source(Path dir, Duration resync, Duration emptyFileGrace, Duration debounce) {
        Consumer<DesiredState> listener = published::add;
        ManifestSource source = new ManifestSource(dir, new ManifestLoader()::read, listener, debounce, resync, emptyFileGrace);
        sources.add(source);
        return source;
    }

    private DesiredState last() {
        assertFalse(published.isEmpty(), "nothing published yet");
        return published.get(published.size() - 1);
    }

    /** Writes through a hidden temporary file and a rename, as careful editors do, so no scan sees half a file. */
    /**
     * {@code dir}/web.yaml as a link to a file outside it (program web, command a), whose edits the directory's watch
     * does not hear; the directory the file is in.
     */
    private Path linkedFromOutside(Path dir) throws IOException {
        Path outside = Files.createDirectories(root.resolve("outside"));
        write(outside, "web.yaml", program("web", "a"));
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("web.yaml"), outside.resolve("web.yaml"));
        return outside;
    }

    private static Path write(Path dir, String name, String content) throws IOException {
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, ".tmp-", ".part");
        Files.writeString(temporary, content);
        return Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static final Map<String, ProgramSpec> SPECS = new ConcurrentHashMap<>();

    private static ProgramSpec spec(String name, String command) {
        return SPECS.computeIfAbsent(name + " " + command, key ->
                new ManifestLoader().parse(Path.of("x.yaml"), program(name, command)).programs().get(0));
    }

    private static String program(String name, String command) {
        return "apiVersion: steward.dev/v1\nkind: Program\nmetadata:\n  name: " + name + "\nspec:\n  command: ["
                + command + "]\n";
    }
}
