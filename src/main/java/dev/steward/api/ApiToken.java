package dev.steward.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The secret a request over TCP must carry: anyone who can connect to {@code --listen} could otherwise apply a
 * manifest and so run any command as the daemon's user (root, often). It is {@code STEWARD_TOKEN} when set, else
 * the content of {@code <state-dir>/token}, made once (32 random bytes) and readable by the daemon's user only, as
 * the unix socket is; the CLI reads it from there.
 */
public final class ApiToken {

    /** The file in the state directory. */
    public static final String FILE_NAME = "token";

    private final byte[] secret;
    /** Where it comes from, for messages: the file's path, or STEWARD_TOKEN. */
    private final String source;

    private ApiToken(String secret, String source) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.source = source;
    }

    /** {@code configured} when given, else the state directory's token file, created when missing or empty. */
    public static ApiToken loadOrCreate(Optional<String> configured, Path stateDir) throws IOException {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return new ApiToken(configured.get().strip(), "STEWARD_TOKEN");
        }
        Path file = stateDir.resolve(FILE_NAME).toAbsolutePath();
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
        if (existing.isEmpty()) {
            existing = create(file);
        } else {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------")); // as it should have been
        }
        return new ApiToken(existing, file.toString());
    }

    private static String create(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.getParent());
        // Written with the owner's permissions from the start, then renamed into place: never readable by others,
        // never half written.
        Path temp = file.resolveSibling("." + FILE_NAME + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return token;
    }

    /** Where the token comes from: its file's path, or STEWARD_TOKEN. */
    public String source() {
        return source;
    }

    /**
     * Whether an {@code Authorization} header carries the token: {@code Bearer TOKEN}, or {@code Basic} with the
     * token as the password (any user name), as supervisorctl and browsers send it.
     */
    public boolean acceptsAuthorization(String header) {
        if (header == null) {
            return false;
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = value.substring(0, space);
        String credentials = value.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return matches(credentials);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                return false;
            }
            int colon = decoded.indexOf(':');
            return colon >= 0 && matches(decoded.substring(colon + 1));
        }
        return false;
    }

    // In constant time: how long a wrong guess took must not say how much of it was right.
    private boolean matches(String candidate) {
        return MessageDigest.isEqual(secret, candidate.getBytes(StandardCharsets.UTF_8));
    }
}
