package dev.steward.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the CLI sends a daemon over TCP to be let in (docs/api.md, "Access"): STEWARD_TOKEN, else the state
 * directory's token file when this user can read it, else nothing.
 *
 * @param authorization the {@code Authorization} header's value, or null
 * @param note          what was sent and from where, for the message of a refusal
 * @param trustedPeers  over loopback, the users whose listener may be sent it (null when nothing is sent)
 */
record ClientToken(String authorization, String note, Set<Integer> trustedPeers) {

    static ClientToken of(Map<String, String> env, Path stateDir, HttpTransport.Endpoint endpoint) {
        String fromEnv = env.get("STEWARD_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new ClientToken("Bearer " + fromEnv.strip(), "this client sent STEWARD_TOKEN, which is not that daemon's"
                    + " token", trustedPeers(null));
        }
        Path file = stateDir.resolve("token");
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            return new ClientToken("Bearer " + token, "this client sent the token in " + file + ", which is not that"
                    + " daemon's: point STEWARD_STATE_DIR at the state directory of the daemon at " + endpoint
                    + ", or set STEWARD_TOKEN", trustedPeers(file));
        } catch (IOException | RuntimeException unreadable) {
            return new ClientToken(null, "this client sent no token: set STEWARD_TOKEN, or point STEWARD_STATE_DIR at the"
                    + " daemon's state directory, whose token file it reads (" + file
                    + (Files.exists(file) ? " cannot be read by this user; ask the daemon's user for it"
                    : " does not exist") + ")", null);
        }
    }

    /** Who may be sent a token over loopback: root, this user, and the token file's owner. */
    private static Set<Integer> trustedPeers(Path tokenFile) {
        Set<Integer> trusted = new HashSet<>();
        trusted.add(0);
        for (Path owned : tokenFile == null ? List.of(Path.of("/proc/self")) : List.of(Path.of("/proc/self"), tokenFile)) {
            try {
                trusted.add((Integer) Files.getAttribute(owned, "unix:uid"));
            } catch (IOException | RuntimeException e) {
                // not a Linux /proc, or gone: root and the rest still
            }
        }
        return trusted;
    }
}
