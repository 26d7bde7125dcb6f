package dev.steward.logs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Opens a log file for appending, with care in a directory every user may write whose sticky bit keeps them from each
 * other's entries ({@code /tmp}, {@code /var/tmp}, {@code /dev/shm}): there another user may have taken the log's name
 * first, with a symbolic link to a file of the daemon's user ({@code /etc/shadow}, for a root daemon) that the program's
 * output would then be appended to (and truncated, rotating without backups), or with a file or FIFO of their own that
 * would get the output. The kernel refuses those opens itself when {@code fs.protected_symlinks},
 * {@code protected_regular} and {@code protected_fifos} are set (most distributions' default), but they may be off, and
 * a container has its host's; supervisord follows such a link. So the same rule is applied here: in such a directory a
 * link, file or FIFO must belong to the daemon's user or to the directory's owner; a file with more than one link (a hard
 * link made to a file of the daemon's user, where {@code fs.protected_hardlinks} is off) is refused too, and a file that
 * is not there is created with {@code O_EXCL}, so that nothing slipped in meanwhile is opened. Anywhere else the path is
 * opened as it is, links followed ({@code file: /dev/stdout}, a link an operator made).
 */
public final class SharedDirectory {
    private static final int SELF = ownUid();
    private static final int STICKY_AND_OTHERS_WRITE = 01002;
    private static final int TYPE = 0170000;
    private static final int LINK = 0120000;
    private static final int REGULAR = 0100000;
    private static final int FIFO = 0010000;

    private SharedDirectory() {
    }

    /** {@code file} opened to append to (created if missing), unless it lies in a shared directory and is not to be trusted. */
    static FileChannel openForAppend(Path file) throws IOException {
        return openForAppend(file, SELF);
    }

    /**
     * Opens {@code file} for writing with {@code options}. An open of a FIFO for writing waits until a process opens it
     * for reading: the thread that reads every program's output waited there, and the supervision loop with it, at the
     * file's lock. Linux opens a FIFO for reading and writing at once, as a reader: held meanwhile, that reader lets the
     * open for writing go through. Once it is closed, with no other reader, the first write fails (EPIPE) and the next
     * output tries again. Called only once the checks of a shared directory have passed: that reader, opened through
     * another user's link, would wake whoever waits to open that FIFO, the link's target, at every output.
     */
    private static FileChannel openWriting(Path file, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
            throws IOException {
        boolean follow = !options.contains(LinkOption.NOFOLLOW_LINKS);
        if (!isFifo(file, follow)) {
            return FileChannel.open(file, options, attributes);
        }
        FileChannel reader;
        try {
            reader = follow ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new IOException(file + " is a FIFO that the daemon cannot open for reading (" + e.getMessage() + "), as it"
                    + " does while it opens it for writing, so as not to wait there for a reader; let the daemon's user read"
                    + " it too", e);
        }
        try (reader) {
            return FileChannel.open(file, options, attributes);
        }
    }

    /** Whether {@code file} is, or ({@code follow}) links to, a FIFO. */
    private static boolean isFifo(Path file, boolean follow) {
        try {
            Object mode = follow ? Files.getAttribute(file, "unix:mode")
                    : Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return ((Integer) mode & TYPE) == FIFO;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // missing, or not a Unix file system: the open says what it is
        }
    }

    static FileChannel openForAppend(Path file, int self) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Map<String, Object> directory;
        try {
            directory = parent == null ? null : Files.readAttributes(parent, "unix:mode,uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException unknown) {
            directory = null; // missing: the open says so
        }
        if (directory == null || ((Integer) directory.get("mode") & STICKY_AND_OTHERS_WRITE) != STICKY_AND_OTHERS_WRITE) {
            return openWriting(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                    NEW_FILE_MODE);
        }
        int directoryOwner = (Integer) directory.get("uid");
        Map<String, Object> entry;
        try {
            entry = Files.readAttributes(file, "unix:mode,uid,nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            // O_EXCL: neither through a link nor into a file that another user put there since
            return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), NEW_FILE_MODE);
        }
        int type = (Integer) entry.get("mode") & TYPE;
        int owner = (Integer) entry.get("uid");
        String what = type == LINK ? "a symbolic link" : type == REGULAR ? "a file" : "a FIFO or device";
        String remedy = "; remove it if you do not know it, or log to a directory other users cannot write";
        if (owner != self && owner != directoryOwner) {
            throw new IOException(file + " is " + what + " of user id " + owner + " in " + parent + ", a directory every user"
                    + " may write: the daemon (user id " + self + ") does not open it, as that user chose where the output"
                    + " goes (the rule of the kernel's fs.protected_symlinks and protected_regular)" + remedy);
        }
        if (type == LINK) {
            return openWriting(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        }
        if (type == REGULAR && (Integer) entry.get("nlink") > 1) {
            throw new IOException(file + " has " + entry.get("nlink") + " hard links, in " + parent + ", a directory every"
                    + " user may write: the daemon does not open it, as another user may have linked a file of the daemon's"
                    + " user there" + remedy);
        }
        // Not followed should it have become a link since: only its owner or the directory's could have changed it
        return openWriting(file, Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Creates {@code dir} and its missing parents as {@link Files#createDirectories} does, but none of those made here
     * is writable by other users, whatever the umask: under {@code umask 000} the state's {@code logs/} came out
     * {@code rwxrwxrwx}, where another user could put a link in the place of a log file the daemon then opens. The state
     * directory is made so too ({@code ApiToken}).
     */
    public static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException raced) {
            if (Files.isDirectory(dir)) {
                return; // made meanwhile by another writer: not this one's to change
            }
            throw raced;
        }
        Set<PosixFilePermission> made = Files.getPosixFilePermissions(dir);
        if (made.remove(PosixFilePermission.OTHERS_WRITE)) {
            Files.setPosixFilePermissions(dir, made);
        }
    }

    /**
     * A log file made here is rw-r--r-- at most, less the umask: under {@code umask 000} it came out rw-rw-rw-, where any
     * user could write into another program's log (supervisord sets its own umask to 022).
     */
    private static final FileAttribute<Set<PosixFilePermission>> NEW_FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

    private static int ownUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1; // not Linux: only the directory's owner is trusted there
        }
    }
}
