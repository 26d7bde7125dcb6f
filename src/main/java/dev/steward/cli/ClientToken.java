package dev.steward.cli;

import dev.steward.api.ApiToken;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the CLI sends a daemon over TCP to be let in (docs/api.md, "Access"): STEWARD_TOKEN, else, to a daemon on this
 * machine, the state directory's token file when this user can read it, else nothing.
 *
 * @param authorization the {@code Authorization} header's value, or null
 * @param note          what was sent and from where, for the message of a refusal
 * @param trustedPeers  over loopback, the users whose listener may be sent it (null when nothing is sent)
 */
record ClientToken(String authorization, String note, Set<Integer> trustedPeers) {

    static ClientToken of(Map<String, String> env, Path stateDir, HttpTransport.Endpoint endpoint) {
        Path file = stateDir.resolve(ApiToken.FILE_NAME); // a constant: the daemon's class is not loaded
        String fromEnv = env.get("STEWARD_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new ClientToken("Bearer " + fromEnv.strip(), "this client sent STEWARD_TOKEN, which is not that daemon's"
                    + " token", trustedPeers(stateDir, file));
        }
        if (!onThisMachine(endpoint.host())) {
            // The file is this machine's daemon's secret: another host is not sent it, over plain HTTP at that.
            return new ClientToken(null, "this client sends the token file " + file + " only to a daemon on this machine;"
                    + " for the one at " + endpoint + ", set STEWARD_TOKEN to its token", null);
        }
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            return new ClientToken("Bearer " + token, "this client sent the token in " + file + ", which is not that"
                    + " daemon's: point STEWARD_STATE_DIR at the state directory of the daemon at " + endpoint
                    + ", or set STEWARD_TOKEN", trustedPeers(stateDir, file));
        } catch (IOException | RuntimeException unreadable) {
            return new ClientToken(null, "this client sent no token: set STEWARD_TOKEN, or point STEWARD_STATE_DIR at the"
                    + " daemon's state directory, whose token file it reads (" + file
                    + (Files.exists(file) ? " cannot be read by this user; ask the daemon's user for it"
                    : " does not exist") + ")", null);
        }
    }

    private static boolean onThisMachine(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }

    /**
     * Who may be sent a token over loopback: root, this user, and the owners of the state directory and its token
     * file (a daemon run by a service account), whether or not this user may read them.
     */
    private static Set<Integer> trustedPeers(Path stateDir, Path tokenFile) {
        Set<Integer> trusted = new HashSet<>();
        trusted.add(0);
        for (Path owned : new Path[] {Path.of("/proc/self"), stateDir, tokenFile}) {
            try {
                trusted.add((Integer) Files.getAttribute(owned, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            } catch (IOException | RuntimeException e) {
                // absent, or not Linux: root and the rest still
            }
        }
        return trusted;
    }
}
