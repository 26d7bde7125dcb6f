package dev.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start's message when the manifest directory cannot be watched: the inotify limit, not the directory, is at fault. */
class ManifestDirectoryProblemTest {

    @TempDir
    Path limits;

    private final Path manifests = Path.of("/srv/app/manifests");

    @Test
    void usedUpInotifyInstancesNameTheLimitAndHowToRaiseIt() throws IOException {
        // what the JDK's WatchService says when inotify_init1 fails with EMFILE (a user's 128 instances taken)
        Files.writeString(limits.resolve("max_user_instances"), "128\n");
        IOException refused = new IOException("User limit of inotify instances reached or too many open files");

        assertEquals("cannot watch the manifest directory /srv/app/manifests (User limit of inotify instances reached"
                + " or too many open files): the daemon's user has reached fs.inotify.max_user_instances (128), shared"
                + " by every program of that user that watches files; raise it (sysctl -w"
                + " fs.inotify.max_user_instances=1024, and in /etc/sysctl.d/ to keep it), or end some of those programs"
                + " (find /proc/*/fd -lname anon_inode:inotify lists them)",
                Engine.manifestDirectoryProblem(manifests, refused, limits));
    }

    @Test
    void usedUpInotifyWatchesNameThatLimit() throws IOException {
        Files.writeString(limits.resolve("max_user_watches"), "8192\n");
        IOException refused = new IOException("User limit of inotify watches reached");

        String problem = Engine.manifestDirectoryProblem(manifests, refused, limits);

        assertEquals(true, problem.startsWith("cannot watch the manifest directory /srv/app/manifests (User limit of"
                + " inotify watches reached): the daemon's user has reached fs.inotify.max_user_watches (8192)"), problem);
        assertEquals(true, problem.contains("sysctl -w fs.inotify.max_user_watches=16384"), problem);
    }

    @Test
    void aLimitThatCannotBeReadIsNamedAllTheSame() {
        IOException refused = new IOException("User limit of inotify watches reached");

        String problem = Engine.manifestDirectoryProblem(manifests, refused, limits.resolve("absent"));

        assertEquals(true, problem.contains("fs.inotify.max_user_watches (unknown)"), problem);
        assertEquals(true, problem.contains("sysctl -w fs.inotify.max_user_watches=<more>"), problem);
    }

    @Test
    void anyOtherFailureIsTheDirectorysAsBefore() {
        IOException missing = new NoSuchFileException("/srv/app/manifests");

        assertEquals("cannot read the manifest directory /srv/app/manifests (/srv/app/manifests); create it or pass"
                + " --manifests DIR", Engine.manifestDirectoryProblem(manifests, missing, limits));
    }
}
