package dev.steward.manifest;

import dev.steward.config.PrivatePlaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may own a manifest: a user who can write the manifest directory as it is now (its owner, or a member of its
 * group when the group may write it), root, or the daemon's own user. A file of another user's got there while the
 * directory was writable by more users (every user, for a while, before a {@code chmod o-w}), or was given to them
 * since: either way that user, who could not have added it, decides what the daemon runs as its own user. Cron,
 * sudo and logrotate refuse such files too; a refusal names the owner and the two ways out.
 *
 * <p>Only a file whose owner is not root nor the daemon's user costs anything more than the look at the file.
 */
final class ManifestOwners {
    private static final ManifestOwners SYSTEM = new ManifestOwners(PrivatePlaces.Ids.own(), Path.of("/etc/passwd"),
            Path.of("/etc/group"));
    /** How a file, or link, of a user who cannot write the directory may have got there. */
    private static final String PUT_THERE = ": it may have been put there while the directory was writable by other users";

    private final PrivatePlaces.Ids self;
    private final Path passwd;
    private final Path group;

    ManifestOwners(PrivatePlaces.Ids self, Path passwd, Path group) {
        this.self = self;
        this.passwd = passwd;
        this.group = group;
    }

    static ManifestOwners system() {
        return SYSTEM;
    }

    /**
     * Why {@code file}, whose content {@code owner} owns, may not choose what the daemon runs, with what to do; empty
     * when it may. {@code file} is the name in the manifest directory: a symbolic link's owner is judged too, since it
     * chose the target, and the target by the manifest directory, where it counts.
     */
    Optional<String> refusal(Path file, int owner) {
        Path target;
        try {
            target = Files.isSymbolicLink(file) ? Files.readSymbolicLink(file) : null;
        } catch (IOException | RuntimeException gone) {
            return Optional.empty(); // replaced since: the next reading judges what is there
        }
        if (target == null) {
            return refusal(file, owner, "is owned by ", PUT_THERE, "chown");
        }
        // Named as the link it is (ls -l shows the link's owner), and the file it leads to as the one to look at
        Optional<String> content = refusal(file, owner, "is a symbolic link to " + target + ", a file owned by ",
                ", yet may rewrite it", "chown");
        if (content.isPresent()) {
            return content;
        }
        try {
            int linkOwner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return refusal(file, linkOwner, "is a symbolic link owned by ", PUT_THERE, "chown -h");
        } catch (IOException | RuntimeException gone) {
            return Optional.empty(); // replaced since: the next reading judges what is there
        }
    }

    private Optional<String> refusal(Path file, int owner, String owned, String how, String chown) {
        if (!PrivatePlaces.foreignOwner(owner, self)) {
            return Optional.empty();
        }
        Path directory = file.toAbsolutePath().getParent();
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(directory, "unix:uid,gid,mode");
        } catch (IOException | RuntimeException unknown) {
            return Optional.empty(); // the directory's own check reports it
        }
        int gid = (Integer) attributes.get("gid");
        int mode = (Integer) attributes.get("mode");
        if (owner == (Integer) attributes.get("uid")) {
            return Optional.empty();
        }
        Optional<String[]> account = passwdEntry(owner); // read once: for its groups, and its name in the refusal
        if ((mode & 0020) != 0 && inGroup(account, gid)) {
            return Optional.empty();
        }
        String user = account.map(fields -> fields[0] + " (uid " + owner + ")").orElse("uid " + owner);
        return Optional.of(owned + user + ", who cannot write " + directory + how + "; check what it runs, then " + chown
                + " it to the directory's owner (or to root), or give " + user + " the directory if they are to decide what"
                + " the daemon runs");
    }

    /** Whether {@code account} (/etc/passwd's fields) has {@code gid} as its primary group, or in /etc/group. */
    private boolean inGroup(Optional<String[]> account, int gid) {
        if (account.isEmpty()) {
            return false;
        }
        if (account.get()[3].equals(Integer.toString(gid))) {
            return true;
        }
        for (String line : lines(group)) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 4 && fields[2].equals(Integer.toString(gid))
                    && List.of(fields[3].split(",")).contains(account.get()[0])) {
                return true;
            }
        }
        return false;
    }

    private Optional<String[]> passwdEntry(int uid) {
        for (String line : lines(passwd)) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 4 && fields[2].equals(Integer.toString(uid))) {
                return Optional.of(fields);
            }
        }
        return Optional.empty();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException unreadable) {
            return List.of(); // no such account: refused, and named by its number
        }
    }
}
