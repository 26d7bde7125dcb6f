package dev.steward.api;

import dev.steward.config.PrivatePlaces;
import dev.steward.logs.SharedDirectory;
import dev.steward.manifest.RegularFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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
    private final List<String> warnings;

    private ApiToken(String secret, String source, List<String> warnings) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.source = source;
        this.warnings = warnings;
    }

    /** What the daemon should warn about: a short STEWARD_TOKEN, a token file others could read until now. */
    public List<String> warnings() {
        return warnings;
    }

    /** A token file, or its directory, that another user could have chosen: the message says what to change. */
    static final class UnsafePlace extends IOException {
        UnsafePlace(String message) {
            super(message);
        }
    }

    /**
     * Checks, before any program starts, that the state directory, and the token file unless {@code configured} is
     * given, are the daemon's user's alone (see {@link #loadOrExplain}); reads and writes nothing. The directory is
     * checked with STEWARD_TOKEN too: the daemon trusts more of what it holds than the token (the list of children a
     * killed daemon left, which the next start stops). Throws with all a user needs in the message.
     */
    public static void checkPlaceOrExplain(Optional<String> configured, Path stateDir) {
        explained(stateDir, !given(configured), () -> {
            checkPlace(stateDir.toAbsolutePath(), !given(configured));
            return null;
        });
    }

    /**
     * As {@link #loadOrCreate}, with a failure as an exception whose message is all a user needs: what is wrong, where,
     * and what to do.
     */
    public static ApiToken loadOrExplain(Optional<String> configured, Path stateDir) {
        return explained(stateDir, !given(configured), () -> loadOrCreate(configured, stateDir));
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    private static <T> T explained(Path stateDir, boolean tokenFile, Step<T> step) {
        try {
            return step.run();
        } catch (UnsafePlace e) {
            throw new IllegalStateException(e.getMessage());
        } catch (IOException | UnsupportedOperationException e) {
            if (!tokenFile) {
                throw new IllegalStateException("cannot create or inspect the state directory " + stateDir.toAbsolutePath()
                        + " (" + e + "); make it the daemon's user's own and writable by it alone");
            }
            throw new IllegalStateException("cannot read or create the API token " + stateDir.toAbsolutePath().resolve(FILE_NAME)
                    + " (" + e + "); make the state directory the daemon's user's own and writable by it alone, or set"
                    + " STEWARD_TOKEN");
        }
    }

    private static boolean given(Optional<String> configured) {
        return configured.isPresent() && !configured.get().isBlank();
    }

    /** {@code configured} when given, else the state directory's token file, created when missing or empty. */
    public static ApiToken loadOrCreate(Optional<String> configured, Path stateDir) throws IOException {
        if (given(configured)) {
            String token = configured.get().strip();
            return new ApiToken(token, "STEWARD_TOKEN", token.length() >= 16 ? List.of() : List.of("STEWARD_TOKEN has "
                    + token.length() + " characters, few enough to be guessed; use a long random one, such as the output"
                    + " of `head -c 32 /dev/urandom | base64`"));
        }
        Path dir = stateDir.toAbsolutePath();
        Path file = checkPlace(dir, true);
        String existing = "";
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                existing = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
        }
        if (existing.isEmpty()) {
            return new ApiToken(create(file), file.toString(), List.of());
        }
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        String was = PosixFilePermissions.toString(view.readAttributes().permissions());
        if (was.equals("rw-------")) {
            return new ApiToken(existing, file.toString(), List.of());
        }
        view.setPermissions(PosixFilePermissions.fromString("rw-------")); // as it should have been
        return new ApiToken(existing, file.toString(), was.substring(3).contains("r") ? List.of("the API token " + file
                + " was readable by other users (" + was + "); it is rw------- again, but if someone may have read it,"
                + " delete it and restart the daemon, which makes a new one") : List.of());
    }

    /**
     * The token file's path, once the state directory (created if missing) and, with {@code tokenFile}, the file, if
     * there is one, are the daemon's user's alone: whoever can write the directory can put a token of their own there,
     * or a link to a file they know, or a list of children that has the daemon signal processes of their choosing.
     */
    private static Path checkPlace(Path dir, boolean tokenFile) throws IOException {
        // Made here under a umask that lets every user write (000): the daemon's own, so not theirs to write (its group's
        // write is left, which mustBePrivate takes when the group is the daemon's own)
        SharedDirectory.createDirectories(dir);
        PrivatePlaces.Ids self = PrivatePlaces.Ids.own();
        mustBePrivate(dir, self, "the state directory");
        Path file = dir.resolve(FILE_NAME);
        if (tokenFile && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new UnsafePlace("the API token " + file + " is not a regular file (a symbolic link, a directory?);"
                        + " remove it, and a new token is made at the next start; or set STEWARD_TOKEN, and no token file is read");
            }
            mustBePrivate(file, self, "the token file");
        }
        return file;
    }

    /** {@code path} is private as {@link PrivatePlaces} says. */
    private static void mustBePrivate(Path path, PrivatePlaces.Ids self, String what) throws IOException {
        boolean directory = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
        // STEWARD_TOKEN spares the token file only: the directory holds more the daemon trusts
        String risk = directory ? "could plant files there that the daemon trusts (the API's token; the list of the"
                + " children a killed daemon left, whose processes the next start stops)" : "could choose the API's token";
        String remedy = directory ? "" : "; or set STEWARD_TOKEN, and no token file is read";
        Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer) attributes.get("uid");
        if (PrivatePlaces.foreignOwner(owner, self)) {
            throw new UnsafePlace(what + " " + path + " belongs to user id " + owner + ", not to the daemon's user (id "
                    + self.uid() + ") or root: that user " + risk + "; chown it to the daemon's user, or use another"
                    + " --state-dir" + remedy);
        }
        int mode = (Integer) attributes.get("mode");
        if (PrivatePlaces.writableByOthers((Integer) attributes.get("gid"), mode, self)) {
            throw new UnsafePlace(what + " " + path + " is writable by other users (" + RegularFiles.permissions(mode)
                    + "): they " + risk + "; chmod go-w it, or use another --state-dir" + remedy);
        }
    }

    private static String create(Path file) throws IOException {
        byte[] random = randomBytes(32);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        // Written with the owner's permissions from the start, then renamed into place: never readable by others,
        // never half written.
        Path temp = file.resolveSibling("." + FILE_NAME + ".tmp");
        Files.deleteIfExists(temp);
        // Created anew (O_EXCL: not through a link planted at that name), then written without following one.
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(temp, (token + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return token;
    }

    /**
     * From the kernel's generator, as SecureRandom's default on Linux reads it too, without the JDK's security
     * providers: loading them costs the start tens of milliseconds, before the first program is spawned.
     */
    private static byte[] randomBytes(int count) throws IOException {
        try (var in = Files.newInputStream(Path.of("/dev/urandom"))) {
            byte[] bytes = in.readNBytes(count);
            if (bytes.length == count) {
                return bytes;
            }
        } catch (IOException | RuntimeException noDevice) {
            // not Linux, or a container without /dev: the JDK's generator
        }
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
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
