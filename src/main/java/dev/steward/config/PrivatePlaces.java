package dev.steward.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The rule for a place whose content chooses what the daemon does (its state directory, the API's token file, a
 * {@code .env} Quarkus reads): it belongs to the daemon's user or root, and no other user may write it; its group may
 * only when that is the daemon's own group (a user's private group, or OpenShift's root group, whose containers need
 * g+w). Each caller says in its own words what the place is and what to do.
 */
public final class PrivatePlaces {
    private PrivatePlaces() {
    }

    /** The daemon's user and group ids, as /proc says them; null where it does not. */
    public record Ids(Integer uid, Integer gid) {
        public static Ids own() {
            return new Ids(id("unix:uid"), id("unix:gid"));
        }

        private static Integer id(String attribute) {
            try {
                return (Integer) Files.getAttribute(Path.of("/proc/self"), attribute);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** Whether {@code owner} is another user than the daemon's and root (root could choose the content anyway). */
    public static boolean foreignOwner(int owner, Ids self) {
        return self.uid() != null && owner != self.uid() && owner != 0;
    }

    /** Whether a place of group {@code gid} and {@code mode} may be written by users other than the daemon's. */
    public static boolean writableByOthers(int gid, int mode, Ids self) {
        boolean othersGroup = self.gid() == null || gid != self.gid();
        return (mode & 0002) != 0 || (othersGroup && (mode & 0020) != 0);
    }
}
