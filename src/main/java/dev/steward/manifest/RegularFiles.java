package dev.steward.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a manifest file, which must be a regular file or a symbolic link to one: a named pipe (FIFO) is not opened,
 * since opening one for reading waits for a writer, for ever if none comes, and the thread reading manifests (or the
 * writer of an apply, which holds its lock) must go on. What else it finds (a directory, a device, a link pointing nowhere or in a circle) it
 * says in words, with what to do.
 *
 * <p>The file is looked at first and opened only when regular, so no device is ever opened (opening some does
 * something, such as a watchdog's or a tape's).
 */
public final class RegularFiles {

    /** Why a file cannot be read as a manifest: the message goes after the file's name and says what to do. */
    static final class Unreadable extends Exception {
        private final boolean missing;

        Unreadable(String message, boolean missing) {
            super(message, null, false, false);
            this.missing = missing;
        }

        /** Whether nothing is there: no file, or a symbolic link to one that does not exist (a writer creates it). */
        boolean missing() {
            return missing;
        }
    }

    /** The bits of {@code st_mode} that give the type of file, and its types (the first two constants the CLI reads too). */
    public static final int S_IFMT = 0170000;
    public static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFSOCK = 0140000;

    /** Links followed at most, as Linux does (its ELOOP). */
    private static final int MAX_LINKS = 40;

    private RegularFiles() {
    }

    /** The bytes of {@code file}, at most {@link ManifestLoader#MAX_FILE_BYTES} of them. */
    static byte[] read(Path file) throws Unreadable {
        long limit = ManifestLoader.MAX_FILE_BYTES;
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(file, "unix:mode,size,uid");
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        checkRegular(file, attributes, limit);
        // A file replaced by a pipe between the look and the open would still be opened: that takes someone
        // racing the daemon on purpose, and the JDK opens no file non-blocking.
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) limit + 1);
            if (bytes.length > limit) { // grown since it was looked at
                throw tooLarge(limit);
            }
            return bytes;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static void checkRegular(Path file, Map<String, Object> attributes, long limit) throws Unreadable {
        int type = (Integer) attributes.get("mode") & S_IFMT;
        if (type != S_IFREG) {
            String what = typeInWords(type);
            String name = file.getFileName().toString();
            int dot = name.lastIndexOf('.');
            Path target = linkTarget(file);
            throw new Unreadable((target == null ? "is " + what : "is a symbolic link to " + target + ", " + what)
                    + ", not a regular file: a manifest must be a plain file or a symbolic link to one; remove it, or"
                    + " rename it" + (dot > 0 ? " so that its name does not end in " + name.substring(dot) : ""), false);
        }
        if ((Long) attributes.get("size") > limit) {
            throw tooLarge(limit);
        }
        int mode = (Integer) attributes.get("mode");
        if (writableByEveryUser(file, mode)) {
            // The daemon runs what a manifest says, as its own user (root, often): as cron refuses such a crontab
            throw new Unreadable("is writable by every user (" + permissions(mode) + "): any of them could change what the"
                    + " daemon runs; chmod o-w it", false);
        }
        Optional<String> foreign = ManifestOwners.system().refusal(file, (Integer) attributes.get("uid"));
        if (foreign.isPresent()) {
            throw new Unreadable(foreign.get(), false);
        }
    }

    /**
     * {@code rwxrwxrwx}, the permissions of {@code path} when every user may write it and it is not on a read-only
     * mount; empty when some may not, or its mode cannot be read (gone, or not Linux).
     */
    public static Optional<String> writableByEveryUser(Path path) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (IOException | RuntimeException missingOrUnknown) {
            return Optional.empty();
        }
        return writableByEveryUser(path, mode) ? Optional.of(permissions(mode)) : Optional.empty();
    }

    /** The rule for a manifest, or the directory of them: no user may write it unless the mount is read-only. */
    private static boolean writableByEveryUser(Path path, int mode) {
        return (mode & 0002) != 0 && !readOnly(path);
    }

    /**
     * Whether {@code path} is on a file system mounted read-only, where its mode does not matter: a Kubernetes ConfigMap's
     * volume is {@code rwxrwxrwx}, and {@code defaultMode} may make its files so too.
     */
    public static boolean readOnly(Path path) {
        try {
            return Files.getFileStore(path).isReadOnly();
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }

    /** {@code rw-rw-rw-}: the permission bits of {@code st_mode}, as ls writes them. */
    public static String permissions(int mode) {
        StringBuilder text = new StringBuilder(9);
        for (int bit = 0; bit < 9; bit++) {
            text.append((mode & (0400 >> bit)) != 0 ? "rwxrwxrwx".charAt(bit) : '-');
        }
        return text.toString();
    }

    private static Unreadable tooLarge(long limit) {
        return new Unreadable("is larger than " + limit / 1024 + " KiB; a manifest should be a few KiB, split it or move the"
                + " file out of the directory", false);
    }

    /** What a file of this {@code st_mode} is, in words: {@code a named pipe (FIFO)}; also for the CLI's {@code -f DIR}. */
    public static String typeInWords(int mode) {
        switch (mode & S_IFMT) {
            case S_IFIFO:
                return "a named pipe (FIFO)";
            case S_IFDIR:
                return "a directory";
            case S_IFCHR:
                return "a character device";
            case S_IFBLK:
                return "a block device";
            case S_IFSOCK:
                return "a socket";
            default:
                return "a special file";
        }
    }

    /** What an exception from looking at or opening {@code file} means, in words. */
    private static Unreadable unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            Path target = linkTarget(file);
            if (target == null) {
                return new Unreadable("cannot be read: the file does not exist", true);
            }
            List<Path> chain = chain(file);
            Path last = chain.get(chain.size() - 1);
            return new Unreadable("is a symbolic link to " + target
                    + (chain.size() > 2 ? " (and on to " + last + ")" : "") + ", which does not exist; create "
                    + last + ", point the link at a manifest file, or remove the link", true);
        }
        if (e instanceof AccessDeniedException) {
            return new Unreadable("cannot be read: permission denied; make it readable by the user Steward runs as", false);
        }
        Unreadable loop = loop(file);
        if (loop != null) {
            return loop; // ELOOP: the JDK says "Too many levels of symbolic links or unable to access attributes"
        }
        String reason = e instanceof FileSystemException && ((FileSystemException) e).getReason() != null
                ? ((FileSystemException) e).getReason() : e.toString();
        return new Unreadable("cannot be read: " + reason + "; check the file and its permissions", false);
    }

    /** The message for a link whose links go round in a circle (or on too long); null when they do not. */
    private static Unreadable loop(Path file) {
        List<Path> chain = chain(file);
        if (linkTarget(chain.get(chain.size() - 1)) == null) {
            return null; // the links end somewhere
        }
        StringBuilder links = new StringBuilder(file.getFileName().toString());
        for (Path step : chain.subList(1, chain.size())) {
            links.append(" -> ").append(step.getFileName() != null && step.getParent() != null
                    && step.getParent().equals(file.getParent()) ? step.getFileName() : step);
        }
        return new Unreadable("is a symbolic link that never reaches a file: its links go round in a circle ("
                + links + "); point it at a manifest file, or remove it", false);
    }

    /**
     * {@code file}, then each path its links lead to (absolute and normalized), until one that is not a link, or
     * the first to come round again, or the 41st.
     */
    private static List<Path> chain(Path file) {
        List<Path> chain = new ArrayList<>();
        Path at = file.toAbsolutePath().normalize();
        chain.add(at);
        while (chain.size() <= MAX_LINKS) {
            Path target = linkTarget(at);
            if (target == null) {
                break;
            }
            Path next = at.resolveSibling(target).normalize();
            boolean again = chain.contains(next);
            chain.add(next);
            if (again) {
                break;
            }
            at = next;
        }
        return chain;
    }

    /** What the link {@code file} points to, as written; null when it is not a link (or is gone). */
    private static Path linkTarget(Path file) {
        try {
            return Files.isSymbolicLink(file) ? Files.readSymbolicLink(file) : null;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
