package dev.steward.manifest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;

/**
 * Writes manifest files so that the watcher never sees half a file: the text goes to
 * {@code .<file name>.tmp} in the same directory (the link's target's, for a symbolic link) (ignored by the watcher, as every dot file is), is
 * flushed to disk, and is renamed over the target in one step.
 */
final class AtomicFiles {
    /**
     * A new manifest is rw-r--r-- at most, less the umask: under {@code umask 000} it came out rw-rw-rw-, and any user
     * could have changed the command the daemon runs for it.
     */
    private static final Set<PosixFilePermission> NEW_FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFiles() {
    }

    /**
     * Replaces (or creates) {@code target} with {@code text}, keeping the permissions of the file it replaces. A symbolic
     * link is written through, as editors do: a file renamed over the link would cut it from what it points to (a
     * checkout, a ConfigMap's key), whose later changes would then go unseen.
     */
    static void write(Path target, String text) throws IOException {
        Staged staged = stage(target, text);
        try {
            staged.commit();
        } finally {
            staged.discard();
        }
    }

    /**
     * A file's new text, written in full beside it and not yet in its place: an edit of several files writes them all
     * this way first, so that one that cannot be written (no room, no permission) leaves every file as it was.
     */
    static final class Staged {
        private final Path temp;
        private final Path target;
        private final Path link; // the symbolic link written through, touched once the target is in place; or null

        private Staged(Path temp, Path target, Path link) {
            this.temp = temp;
            this.target = target;
            this.link = link;
        }

        /** Puts the new text in place, in one step (a rename). */
        void commit() throws IOException {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            if (link != null) {
                // The watch on the directory hears nothing of a change to a target outside it: touching the link itself
                // is an event there, so that the change is in force at once rather than at the next re-list.
                Files.getFileAttributeView(link, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.from(Instant.now()), null, null);
            }
        }

        /** Removes the temporary file unless it was put in place. */
        void discard() {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a dot file, which the watcher ignores, and the next write of the same file replaces
            }
        }
    }

    /** Writes {@code text} beside {@code target} (the link's target, for a symbolic link), for {@link Staged#commit}. */
    static Staged stage(Path target, String text) throws IOException {
        boolean link = Files.isSymbolicLink(target);
        Path file = link ? linkTarget(target) : target;
        return new Staged(writeTemporary(file, text), file, link ? target : null);
    }

    /**
     * The file a symbolic link leads to. A link to a file that does not exist (yet, or any more) leads to that path, which
     * the write creates, as an editor does: its real path cannot be had, and renaming over the link would cut it.
     */
    private static Path linkTarget(Path link) throws IOException {
        try {
            return link.toRealPath();
        } catch (NoSuchFileException dangling) {
            Path to = link.resolveSibling(Files.readSymbolicLink(link));
            if (Files.isSymbolicLink(to)) {
                return linkTarget(to); // a cycle fails in toRealPath with ELOOP, not here
            }
            Path parent = to.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new NoSuchFileException(link.toString(), null, "a symbolic link to " + to
                        + ", whose directory does not exist: point the link at an existing directory, or remove it");
            }
            return to;
        }
    }

    /**
     * Gives the new file the owner and group of the one it replaces, as editors do: a daemon run as root (systemd's unit)
     * would otherwise take a deploy user's manifest from them, who could then no longer edit it, or even read it under
     * mode 0640. A daemon that is not root cannot give a file away, nor to a group it is not in: the file is then its
     * own, as after any editor's save by that user.
     */
    private static void keepOwner(PosixFileAttributeView temp, PosixFileAttributes was) {
        try {
            temp.setGroup(was.group());
        } catch (IOException notAllowed) {
            // not one of the daemon's groups
        }
        try {
            temp.setOwner(was.owner());
        } catch (IOException notAllowed) {
            // the daemon is not root
        }
    }

    /** The owner, group and mode of the file at {@code target}; null when there is none (or no POSIX attributes). */
    private static PosixFileAttributes posixAttributes(Path target) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (view == null || !Files.exists(target)) {
            return null;
        }
        return view.readAttributes();
    }

    /**
     * The mode the temporary file is made with, before the text is written into it: a new manifest's, or, in place of a
     * file, its owner's alone until it is given that file's own: a manifest kept rw------- for the secrets in its
     * environment must not be readable by other users while it is written (inotify shows them when to look).
     */
    static Set<PosixFilePermission> creationMode(PosixFileAttributes replaced) {
        return replaced == null ? NEW_FILE_PERMISSIONS : PosixFilePermissions.fromString("rw-------");
    }

    /** Writes {@code text} to {@code .<file name>.tmp} beside {@code target}, with the mode, owner and group it will have. */
    private static Path writeTemporary(Path target, String text) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        boolean written = false;
        try {
            // Made anew, with its mode, not reused: one a crash left may have been made under another umask
            if (!Files.isDirectory(temp, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(temp);
            }
            PosixFileAttributes was = posixAttributes(target);
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(creationMode(was)))) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                // Flushed before the rename: after a crash the file is the old or the new text, never empty.
                channel.force(true);
            }
            if (was != null) {
                keepOwner(Files.getFileAttributeView(temp, PosixFileAttributeView.class), was);
                Files.setPosixFilePermissions(temp, was.permissions());
            }
            written = true;
            return temp;
        } finally {
            if (!written && !Files.isDirectory(temp, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
