package dev.steward.daemon;

import dev.steward.config.PrivatePlaces;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** An exclusive lock on the state directory, so two daemons never supervise the same programs. */
final class StateDirLock implements AutoCloseable {
    /**
     * rw-------: whoever can open the file can lock it (a shared lock needs only read permission), and a lock held by
     * another user's process would keep every later daemon from starting. So no other user may open it, whatever the
     * umask.
     */
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE = PosixFilePermissions.asFileAttribute(OWNER_ONLY);

    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static StateDirLock acquire(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve("steward.lock");
        refuseAnotherUsersFile(file);
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), OWNER_ONLY_FILE);
        try {
            // A file made before this rule (rw-r--r--) is closed now: a process that opened it already keeps it open
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        FileLock lock = channel.tryLock();
        if (lock == null) {
            String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            channel.close();
            throw new IllegalStateException("another Steward daemon" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                    + " is already using the state directory " + stateDir.toAbsolutePath()
                    + "; stop it first, or give this one its own --state-dir");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
        return new StateDirLock(channel, lock);
    }

    /**
     * A lock file another user owns (left by a daemon run as that user before) stays theirs to open whatever its mode, as
     * they may chmod it: refused, with what to do, where a daemon not run as root failed with the bare path (open) or
     * "Operation not permitted" (chmod).
     */
    private static void refuseAnotherUsersFile(Path file) throws IOException {
        Integer self = PrivatePlaces.Ids.own().uid();
        int owner;
        try {
            owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException | UnsupportedOperationException | IllegalArgumentException absentOrNotLinux) {
            return;
        }
        if (self != null && owner != self) {
            throw new IOException(file + " belongs to user id " + owner + ", not to the daemon's user (id " + self + "):"
                    + " that user may hold a lock on it that keeps every daemon from starting; if no daemon uses this state"
                    + " directory, remove the file (each start makes it anew), or give this daemon its own --state-dir");
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
