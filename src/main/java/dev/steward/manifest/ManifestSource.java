package dev.steward.manifest;

import dev.steward.logs.SharedDirectory;
import dev.steward.reconcile.DesiredState;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches a manifest directory and publishes a {@link DesiredState} to a listener each time what it asks for
 * changes: at {@link #start()}, after file events (inotify, debounced so an editor's burst of writes gives one
 * scan), at every resync as a backstop for missed events, and on {@link #rescan()}.
 *
 * <p>Files are those directly in the directory whose names end in {@code .yaml} or {@code .yml} and do not start
 * with a dot, so editor swap and backup files ({@code .web.yaml.swp}, {@code web.yaml~}) are ignored. One that is
 * not a regular file (a pipe, a directory) is reported as invalid, unopened. A file is re-parsed only when its size,
 * modification or change time, identity (inode) or link changed, or the directory's owner, group or mode did.
 *
 * <p>The listener is called from one thread at a time, only with a state that differs from the last one it
 * accepted. If it throws, the state counts as not delivered and is offered again at the next scan.
 */
public final class ManifestSource implements AutoCloseable {

    /** Long enough to coalesce an editor's write-rename-chmod burst, short enough to feel immediate. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(30);
    /**
     * The longest a burst of events that never pauses for the debounce (a program writing into the directory
     * without end) puts off its scan; at least ten debounces.
     */
    static final Duration MAX_BURST = Duration.ofSeconds(1);
    /**
     * The quiet time after a manifest (or the directory) was deleted or moved away, or eight debounces when longer:
     * a deletion is the one change that stops programs, and in a checkout or a copy it is often followed, more than
     * a debounce later on a busy machine, by the file's new version or new name. A stop this much later costs little.
     */
    static final Duration REMOVAL_QUIET = Duration.ofMillis(250);
    /** Backstop for lost events (inotify queue overflow, network filesystems that send none). */
    public static final Duration DEFAULT_RESYNC = Duration.ofSeconds(30);

    /**
     * How long a file that has just become empty keeps its programs: {@code generator > web.yaml} truncates the
     * file first and writes it later, and a scan in between would stop the programs only to start them again.
     * A file still empty after this is taken at its word: no programs.
     */
    public static final Duration EMPTY_FILE_GRACE = Duration.ofSeconds(2);

    /** From this many files to parse, parse them on all cores. */
    private static final int PARALLEL_PARSE = 32;

    /** Looked up when needed: the first lookup sets up the log manager, which need not delay a start. */
    private static Logger log() {
        return Logger.getLogger(ManifestSource.class.getName());
    }

    /**
     * What decides whether a file must be parsed again. The change time too: a chmod or chown changes
     * nothing else, and a file made readable again (or unreadable) must be read again. For a symbolic link, the
     * link's own change time as well: its owner is judged too ({@link ManifestOwners}), and a {@code chown -h}
     * changes nothing of the file it leads to.
     */
    private record Stamp(long size, FileTime modified, FileTime changed, Object fileKey, FileTime linkChanged) {
        private static final String ATTRIBUTES = "unix:size,lastModifiedTime,ctime,fileKey,isRegularFile";

        /** The file's stamp, or null when it is not a regular file. */
        static Stamp of(Path path) throws IOException {
            Map<String, Object> attributes = Files.readAttributes(path, ATTRIBUTES + ",isSymbolicLink",
                    LinkOption.NOFOLLOW_LINKS);
            FileTime linkChanged = null;
            if (Boolean.TRUE.equals(attributes.get("isSymbolicLink"))) { // a plain file costs one look, as before
                linkChanged = (FileTime) attributes.get("ctime");
                attributes = Files.readAttributes(path, ATTRIBUTES);
            }
            if (!Boolean.TRUE.equals(attributes.get("isRegularFile"))) {
                return null;
            }
            return new Stamp((Long) attributes.get("size"), (FileTime) attributes.get("lastModifiedTime"),
                    (FileTime) attributes.get("ctime"), attributes.get("fileKey"), linkChanged);
        }
    }

    /** Of the directory: who may own a manifest in it ({@link ManifestOwners}). */
    private static final String DIRECTORY_ACCESS = "unix:uid,gid,mode";

    private record Cached(Stamp stamp, ManifestLoader.Parsed parsed) {
    }

    private final Path directory;
    private final Function<Path, ManifestLoader.Parsed> reader;
    private final Consumer<DesiredState> listener;
    private final Duration debounce;
    private final Duration resync;
    private final Duration emptyFileGrace;
    private final Consumer<String> warnings;
    private final Consumer<String> notices;

    /** Held for a whole scan and its delivery: scans never overlap and the listener is never called concurrently. */
    private final Object scanLock = new Object();
    private Map<Path, Cached> cache = new HashMap<>(); // guarded by scanLock
    /** The files of the scan that gave {@code published}: a file not among them appeared since. Guarded by scanLock. */
    private Set<Path> publishedFiles = Set.of();
    private volatile DesiredState published; // written under scanLock; null until the first delivery
    private final Map<Path, Long> emptySince = new HashMap<>(); // nanoTime each empty file was first seen empty; scanLock
    private volatile long holdEndsAt; // nanoTime when the earliest held empty file's grace ends; 0 when none is held
    /** What was last said about the directory itself (gone, unreadable), null while it lists; written under scanLock. */
    private volatile String directoryProblem;
    /**
     * The directory's owner, group and mode when the cached files were judged (ManifestOwners): once they change,
     * every file is judged again, since a file refused as another user's is theirs to keep once the directory is given
     * to them, and one accepted as the directory owner's is not once it is taken back. Guarded by scanLock.
     */
    private Map<String, Object> judgedBy;

    private WatchService watcher;
    private WatchKey watchKey; // only touched by start() and then the watch thread
    private Object watchedDirectory; // the file key of the directory watchKey watches; same threads
    private WatchKey parentKey; // the parent directory, for the directory itself being replaced; null if unwatchable
    private Thread thread;
    private volatile boolean closed;

    /**
     * @param directory the manifest directory (not searched recursively)
     * @param loader    reads each file
     * @param listener  receives each new state; called from one thread at a time
     * @param debounce  quiet time after the last file event before scanning, so that a burst of events (an
     *                  editor's save, a checkout of many files) gives one scan
     * @param resync    period of full scans made whether or not events arrived
     */
    public ManifestSource(Path directory, ManifestLoader loader, Consumer<DesiredState> listener, Duration debounce,
                          Duration resync) {
        this(directory, loader, listener, debounce, resync, ManifestSource::logWarning, ManifestSource::logInfo);
    }

    /**
     * As above, with {@code warnings} told once when the directory itself goes or cannot be listed, and
     * {@code notices} once when it lists again.
     */
    public ManifestSource(Path directory, ManifestLoader loader, Consumer<DesiredState> listener, Duration debounce,
                          Duration resync, Consumer<String> warnings, Consumer<String> notices) {
        this(directory, loader::read, listener, debounce, resync, EMPTY_FILE_GRACE, warnings, notices);
    }

    /**
     * @param reader         reads and parses one file ({@link ManifestLoader}'s, or a test's)
     * @param emptyFileGrace how long a file just emptied keeps its programs ({@link #EMPTY_FILE_GRACE})
     */
    ManifestSource(Path directory, Function<Path, ManifestLoader.Parsed> reader, Consumer<DesiredState> listener,
                   Duration debounce, Duration resync, Duration emptyFileGrace) {
        this(directory, reader, listener, debounce, resync, emptyFileGrace, ManifestSource::logWarning,
                ManifestSource::logInfo);
    }

    ManifestSource(Path directory, Function<Path, ManifestLoader.Parsed> reader, Consumer<DesiredState> listener,
                   Duration debounce, Duration resync, Duration emptyFileGrace, Consumer<String> warnings,
                   Consumer<String> notices) {
        this.warnings = warnings;
        this.notices = notices;
        this.emptyFileGrace = emptyFileGrace;
        // Normalized: "." would otherwise have its own directory as parent, and watching that parent would take
        // over the directory's own watch (inotify keeps one watch per inode).
        this.directory = directory.toAbsolutePath().normalize();
        this.reader = reader;
        this.listener = listener;
        this.debounce = debounce;
        this.resync = resync;
    }

    /**
     * Creates the directory if missing, scans it and delivers the first state (before returning), then starts
     * watching it on the daemon thread {@code steward-manifest-watch}.
     *
     * @throws IOException when the directory cannot be created or watched
     */
    public void start() throws IOException {
        start(false);
    }

    /**
     * Like {@link #start()}, but the first scan runs on the watch thread, so the caller goes on at once
     * (the daemon boots its HTTP side meanwhile). Directory errors are still thrown from here.
     */
    public void startInBackground() throws IOException {
        start(true);
    }

    private void start(boolean firstScanInBackground) throws IOException {
        // Not writable by other users whatever the umask: under 000 it was rwxrwxrwx, and any user's manifest ran
        SharedDirectory.createDirectories(directory);
        watcher = directory.getFileSystem().newWatchService();
        // Watch before the first scan, so that a file written during that scan still triggers another one.
        watchKey = register();
        parentKey = registerParent();
        if (!firstScanInBackground) {
            rescan();
        }
        thread = new Thread(() -> {
            if (firstScanInBackground) {
                scanQuietly();
            }
            watch();
        }, "steward-manifest-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Scans the directory now, on the calling thread, and delivers the result if it changed. Does nothing once
     * closed. An exception from the listener is thrown from here.
     */
    public void rescan() {
        synchronized (scanLock) {
            if (closed) {
                return;
            }
            holdEndsAt = 0; // set again below; a scan that cannot list the directory must not be retried at once, forever
            List<ManifestLoader.Parsed> files = scanFiles();
            if (files == null) {
                return;
            }
            Set<Path> present = new HashSet<>();
            files.forEach(file -> present.add(file.file().path()));
            Set<Path> appeared = new HashSet<>(present);
            appeared.removeAll(publishedFiles);
            DesiredState previous = published == null ? DesiredState.empty() : published;
            DesiredState next = Snapshots.build(files, previous, holdJustEmptied(), appeared);
            // The first delivery compares nothing: a record's first equals() links its method handles
            // (about 10 ms of a cold start's CPU), which can wait for the next scan.
            if (published == null || !next.equals(published)) {
                listener.accept(next);
                published = next;
            }
            publishedFiles = present; // not before the listener took it: a retry must see the same files appear
        }
    }

    /** The files that became empty less than the grace ago; arranges a scan when that ends. */
    private Set<Path> holdJustEmptied() {
        long now = System.nanoTime();
        emptySince.keySet().removeIf(path -> !cache.containsKey(path) || cache.get(path).stamp().size() != 0);
        Set<Path> held = new HashSet<>();
        long endsAt = 0;
        for (Map.Entry<Path, Cached> file : cache.entrySet()) {
            if (file.getValue().stamp().size() == 0) {
                long ends = emptySince.computeIfAbsent(file.getKey(), path -> now) + emptyFileGrace.toNanos();
                if (now - ends < 0) {
                    held.add(file.getKey());
                    endsAt = endsAt == 0 || ends - endsAt < 0 ? ends : endsAt;
                }
            }
        }
        holdEndsAt = endsAt;
        return held;
    }

    /**
     * Why the directory cannot be read now (gone, or not listable), as the daemon's log said it; empty while it lists.
     * For health and metrics: the log says it once, and the desired state alone does not tell a directory that is gone
     * from one that is empty.
     */
    public Optional<String> directoryProblem() {
        return Optional.ofNullable(directoryProblem);
    }

    /** The last state the listener accepted; empty before the first one. */
    public DesiredState current() {
        DesiredState state = published;
        return state == null ? DesiredState.empty() : state;
    }

    /** Stops watching and waits for a scan in progress to finish; the listener is not called afterwards. */
    @Override
    public void close() {
        closed = true;
        try {
            if (watcher != null) {
                watcher.close(); // wakes the watch thread out of poll()
            }
        } catch (IOException e) {
            log().log(Level.FINE, "closing the watch service of " + directory, e);
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (scanLock) {
            // Nothing to do: taking the lock waits for a rescan() running on another thread.
        }
    }

    private void watch() {
        long nextResync = System.nanoTime() + resync.toNanos();
        long maxBurst = Math.max(MAX_BURST.toNanos(), 10 * debounce.toNanos());
        long removalQuiet = Math.max(REMOVAL_QUIET.toNanos(), 8 * debounce.toNanos());
        long scanAt = 0;
        long burstEndsAt = 0;
        boolean pending = false;
        while (!closed) {
            long deadline = pending && scanAt - nextResync < 0 ? scanAt : nextResync;
            long holdEnds = holdEndsAt;
            if (holdEnds != 0 && holdEnds - deadline < 0) {
                deadline = holdEnds;
            }
            WatchKey key;
            try {
                key = watcher.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            long now = System.nanoTime();
            if (key != null) {
                // Which files changed does not matter, a scan looks at all of them; in the parent, only this directory.
                List<WatchEvent<?>> events = key.pollEvents();
                boolean concerned = key != parentKey
                        || events.stream().anyMatch(event -> directory.getFileName().equals(event.context()));
                boolean removal = events.stream().anyMatch(event -> removes(event, key == parentKey));
                key.reset();
                if (concerned) {
                    // Each event of a burst puts the scan off until the directory has been quiet for the debounce:
                    // a checkout deletes and writes files for longer than that, and a scan in the middle would see
                    // a file deleted whose new version (or new name) is not written yet, and stop its programs
                    // only to start them again. A burst without end is still read, maxBurst after it began.
                    long at = now + (removal ? removalQuiet : debounce.toNanos());
                    if (!pending) {
                        pending = true;
                        burstEndsAt = now + maxBurst;
                        scanAt = at;
                    } else if (at - scanAt > 0) {
                        scanAt = at;
                    }
                    if (scanAt - burstEndsAt > 0) {
                        scanAt = burstEndsAt;
                    }
                }
            }
            if ((pending && now - scanAt >= 0) || now - nextResync >= 0 || (holdEnds != 0 && now - holdEnds >= 0)) {
                pending = false;
                nextResync = now + resync.toNanos();
                reregisterIfLost();
                scanQuietly();
            }
        }
    }

    /** Whether an event deletes or moves away a manifest, or in the parent the directory; or may have (lost events). */
    private boolean removes(WatchEvent<?> event, boolean inParent) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
            return true;
        }
        if (event.kind() != StandardWatchEventKinds.ENTRY_DELETE || !(event.context() instanceof Path name)) {
            return false;
        }
        return inParent ? name.equals(directory.getFileName()) : isManifestName(name);
    }

    private void scanQuietly() {
        try {
            rescan();
        } catch (RuntimeException e) {
            // The watch thread must survive a failing listener; the state is offered again at the next scan.
            log().log(Level.WARNING, "manifest listener failed for " + directory + "; retrying at the next scan", e);
        }
    }

    /** The files of one scan in name order, or null when the directory cannot be listed (keep the last state). */
    private List<ManifestLoader.Parsed> scanFiles() {
        // Refused at start too (EngineSettings); made so since, it would let any user drop a manifest the daemon runs.
        Optional<String> open = RegularFiles.writableByEveryUser(directory);
        if (open.isPresent()) {
            // Reading resumes with whatever is there then; what other users leave meanwhile is theirs (ManifestOwners).
            directoryProblem("the manifest directory " + directory + " has become writable by every user (" + open.get()
                    + "): any of them could drop a manifest there, whose command the daemon would run as its own user; its"
                    + " files are not read, and the programs go on as they are, until you chmod o-w it. A file another user"
                    + " leaves there meanwhile is refused then, as theirs (ls -la " + directory + " shows them)");
            return null;
        }
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, ManifestSource::isManifestName)) {
            entries.forEach(paths::add);
            if (directoryProblem != null) {
                directoryProblem = null;
                notices.accept("the manifest directory " + directory + " can be read again: what it holds now is in force");
            }
        } catch (NoSuchFileException e) {
            // A deleted directory is an empty one, as for the kubelet's static pod path: everything it defined is
            // gone. Said once, since each program's line alone does not say why.
            directoryProblem("the manifest directory " + directory + " is gone (deleted or moved away): the programs"
                    + " it defined stop; create it again, or move it back, and its manifests are read at once");
        } catch (IOException e) {
            directoryProblem("cannot list the manifest directory " + directory + " (" + reasonAndAdvice(e) + "); the"
                    + " programs go on as they are until it can be read again");
            return null;
        }
        paths.sort(null);
        Map<String, Object> access = directoryAccess();
        if (!access.equals(judgedBy)) {
            cache = new HashMap<>();
            judgedBy = access;
        }
        // Stamp every file first, then parse the new and changed ones: in parallel when there are many (the
        // first scan of a large directory), since the daemon's children wait for it.
        Map<Path, Stamp> stamps = new LinkedHashMap<>();
        for (Path path : paths) {
            try {
                // Not a regular file (a pipe, a directory, a link to a device): read anyway so that the loader
                // reports it, without opening it; never cached
                stamps.put(path, Stamp.of(path));
            } catch (IOException e) {
                if (Files.isSymbolicLink(path) && !intoHiddenEntry(path)) {
                    stamps.put(path, null); // dangling: read it anyway so that the loader reports it, never cached
                }
                // otherwise deleted since the listing, or a ConfigMap's update under way: its next event brings
                // another scan
            }
        }
        List<Path> toRead = stamps.entrySet().stream().filter(e -> {
            Cached cached = cache.get(e.getKey());
            return e.getValue() == null || cached == null || !cached.stamp().equals(e.getValue());
        }).map(Map.Entry::getKey).toList();
        Map<Path, ManifestLoader.Parsed> read = (toRead.size() >= PARALLEL_PARSE ? toRead.parallelStream() : toRead.stream())
                .collect(Collectors.toConcurrentMap(path -> path, reader));
        Map<Path, Cached> next = new HashMap<>();
        List<ManifestLoader.Parsed> files = new ArrayList<>();
        stamps.forEach((path, stamp) -> {
            ManifestLoader.Parsed fresh = read.get(path);
            Cached previous = cache.get(path);
            // Written while it was read (an editor that truncates, then writes): what was read may be neither
            // version, such as an empty file whose size said otherwise, whose programs would stop. Until the
            // write's own event reads it again, the version read before holds, with its stamp, which differs
            // from the file's and so has it read again (and a just-emptied file's hold goes on). Only a file read
            // before is looked at again: a first scan (a cold start) costs no second stat per file.
            boolean torn = fresh != null && previous != null && stamp != null && !stamp.equals(stampQuietly(path));
            Cached kept = torn ? previous : stamp == null ? null : new Cached(stamp, fresh != null ? fresh : previous.parsed());
            if (kept != null) {
                next.put(path, kept);
            }
            files.add(kept != null ? kept.parsed() : fresh);
        });
        cache = next;
        return files;
    }

    /** The directory's {@link #DIRECTORY_ACCESS}; empty when it cannot be looked at (gone since it was listed). */
    private Map<String, Object> directoryAccess() {
        try {
            return Files.readAttributes(directory, DIRECTORY_ACCESS);
        } catch (IOException | RuntimeException gone) {
            return Map.of();
        }
    }

    /** Says {@code problem} unless it was the last thing said about the directory. */
    private void directoryProblem(String problem) {
        if (!problem.equals(directoryProblem)) {
            directoryProblem = problem;
            warnings.accept(problem);
        }
    }

    private static String reasonAndAdvice(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied: make it readable and searchable by the user Steward runs as, chmod u+rx or chown";
        }
        if (e instanceof NotDirectoryException) {
            return "it is not a directory: move that file away and put the manifest directory back";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static void logWarning(String message) {
        log().warning(message);
    }

    private static void logInfo(String message) {
        log().info(message);
    }

    /**
     * Whether a link points through a hidden link of its own directory ({@code web.yaml -> ..data/web.yaml}, with
     * {@code ..data} itself a link): the kubelet mounts a ConfigMap so, and an update links a new key before it renames
     * {@code ..data} to the version that holds it, and unlinks a removed key after; such a link pointing nowhere is an
     * update under way, not a broken file. A link up and out ({@code ../app/web.yaml}) is no such thing.
     */
    private static boolean intoHiddenEntry(Path link) {
        try {
            Path target = Files.readSymbolicLink(link);
            if (target.isAbsolute() || target.getNameCount() < 2) {
                return false;
            }
            String first = target.getName(0).toString();
            return first.startsWith(".") && !first.equals(".") && !first.equals("..")
                    && Files.isSymbolicLink(link.resolveSibling(first));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static Stamp stampQuietly(Path path) {
        try {
            return Stamp.of(path);
        } catch (IOException e) {
            return null; // gone meanwhile: its delete event brings another scan
        }
    }

    /** {@code *.yaml} and {@code *.yml}; dot files (editors' and the writer's temporary files) are ignored. */
    static boolean isManifestName(Path path) {
        String name = path.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    private WatchKey register() throws IOException {
        watchedDirectory = Files.readAttributes(directory, BasicFileAttributes.class).fileKey();
        return directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
    }

    /**
     * Watches the parent too, so that a directory swapped in place ({@code mv m m.old && mv m.new m}, a release
     * tool switching a symbolic link) is seen at once: the watch on the old directory stays valid and silent. Its
     * changes of mode or owner too ({@code chmod 000} and back): inotify reports those to the parent, under the
     * directory's name, as a modification, while the WatchService drops the directory's own report of them.
     */
    private WatchKey registerParent() {
        Path parent = directory.getParent(); // absolute and normalized: "." has its real parent
        if (parent == null) {
            return null;
        }
        try {
            return parent.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException e) {
            log().log(Level.FINE, "cannot watch " + parent + "; a replaced " + directory + " is seen at the next resync", e);
            return null;
        }
    }

    /**
     * After the directory was deleted and created again, or another directory was moved into its place, watch
     * the one there now; until it exists, resync covers it.
     */
    private void reregisterIfLost() {
        Object now;
        try {
            now = Files.readAttributes(directory, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return;
        }
        if (watchKey.isValid() && Objects.equals(now, watchedDirectory)) {
            return;
        }
        watchKey.cancel();
        try {
            watchKey = register();
        } catch (IOException | ClosedWatchServiceException e) {
            log().log(Level.FINE, "cannot watch " + directory + " again yet", e);
        }
    }
}
