package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.config.PrivatePlaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may own a manifest. The accounts are files of the test's own, and the daemon's user is a number no file here has;
 * the directory is the test's user's, or, when that is root, a user's who is neither.
 */
class ManifestOwnersTest {
    private static final int DAEMON = 4242424;

    @TempDir
    Path root;
    private Path manifests;
    private Path file;
    private int user; // the directory's owner
    private int directoryGroup;

    @BeforeEach
    void setUp() throws IOException {
        manifests = Files.createDirectory(root.resolve("manifests"));
        file = Files.writeString(manifests.resolve("web.yaml"), "kind: Program\n");
        user = (Integer) Files.getAttribute(manifests, "unix:uid");
        if (user == 0) { // root's would pass as root's: give it to a user who is neither
            user = 54321;
            Files.setAttribute(manifests, "unix:uid", user);
        }
        directoryGroup = (Integer) Files.getAttribute(manifests, "unix:gid");
    }

    private ManifestOwners owners(String passwd, String group) throws IOException {
        return new ManifestOwners(new PrivatePlaces.Ids(DAEMON, null), Files.writeString(root.resolve("passwd"), passwd),
                Files.writeString(root.resolve("group"), group));
    }

    @Test
    void theDaemonsUserRootAndTheDirectorysOwnerMayOwnAManifest() throws IOException {
        ManifestOwners owners = owners("", "");
        assertEquals(Optional.empty(), owners.refusal(file, user), "the directory's owner");
        assertEquals(Optional.empty(), owners.refusal(file, 0), "root");
        assertEquals(Optional.empty(), owners.refusal(file, DAEMON), "the daemon's user");
        assertEquals(Optional.empty(), new ManifestOwners(new PrivatePlaces.Ids(null, null), root.resolve("passwd"), root.resolve("group"))
                .refusal(file, 7), "no /proc to say who the daemon is: nothing refused");
    }

    @Test
    void anotherUserWhoCannotWriteTheDirectoryIsRefusedByNameWithWhatToDo() throws IOException {
        int other = user + 1;
        assertEquals(Optional.of("is owned by alice (uid " + other + "), who cannot write " + manifests + ": it may have"
                + " been put there while the directory was writable by other users; check what it runs, then chown it to"
                + " the directory's owner (or to root), or give alice (uid " + other + ") the directory if they are to"
                + " decide what the daemon runs"),
                owners("alice:x:" + other + ":" + other + "::/home/alice:/bin/sh\n", "").refusal(file, other));
        String byNumber = owners("", "").refusal(file, other).orElseThrow();
        assertTrue(byNumber.startsWith("is owned by uid " + other + ", who cannot write "), byNumber);
    }

    @Test
    void aSymbolicLinkIsJudgedByItsOwnerToo() throws IOException {
        Path link = Files.createSymbolicLink(manifests.resolve("link.yaml"), file);
        try {
            Files.setAttribute(link, "unix:uid", user + 1, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException notRoot) {
            Assumptions.abort("giving a link to another user needs root: " + notRoot);
        }
        String refusal = owners("", "").refusal(link, user).orElseThrow(); // its target is the directory owner's
        assertTrue(refusal.startsWith("is a symbolic link owned by uid " + (user + 1) + ", who cannot write "), refusal);
        assertTrue(refusal.contains(", then chown -h it to the directory's owner"), refusal);
    }

    @Test
    void aLinkToAnotherUsersFileIsNamedAsTheLinkItIsWithTheFileItLeadsTo() throws IOException {
        Path target = Files.writeString(root.resolve("web.yaml"), "kind: Program\n");
        Path link = Files.createSymbolicLink(manifests.resolve("link.yaml"), target); // the test's user's, as is the directory's
        int other = user + 1;
        assertEquals(Optional.of("is a symbolic link to " + target + ", a file owned by uid " + other + ", who cannot write "
                + manifests + ", yet may rewrite it; check what it runs, then chown it to the directory's owner (or to root),"
                + " or give uid " + other + " the directory if they are to decide what the daemon runs"),
                owners("", "").refusal(link, other), "ls -l shows the link's owner: not said to be another's");
    }

    @Test
    void aMemberOfTheDirectorysGroupMayOwnOneWhenTheGroupMayWriteIt() throws IOException {
        int other = user + 1;
        Files.setPosixFilePermissions(manifests, PosixFilePermissions.fromString("rwxrwxr-x"));
        String primary = "alice:x:" + other + ":" + directoryGroup + "::/home/alice:/bin/sh\n";
        String supplementary = "alice:x:" + other + ":" + (directoryGroup + 1) + "::/home/alice:/bin/sh\n";
        String members = "deploy:x:" + directoryGroup + ":bob,alice\n";
        assertEquals(Optional.empty(), owners(primary, "").refusal(file, other), "its primary group");
        assertEquals(Optional.empty(), owners(supplementary, members).refusal(file, other), "a supplementary group");
        assertTrue(owners(supplementary, "deploy:x:" + directoryGroup + ":bob,malice\n").refusal(file, other)
                .isPresent(), "not a member");

        Files.setPosixFilePermissions(manifests, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertTrue(owners(primary, "").refusal(file, other).isPresent(), "the group may not write the directory");
    }
}
