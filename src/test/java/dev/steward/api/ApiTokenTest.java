package dev.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {

    @TempDir
    Path stateDir;

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theFirstStartMakesATokenOnlyTheDaemonsUserCanReadAndLaterStartsKeepIt() throws IOException {
        ApiToken first = ApiToken.loadOrCreate(Optional.empty(), stateDir);
        Path file = stateDir.resolve("token");
        assertEquals(file.toAbsolutePath().toString(), first.source());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String token = Files.readString(file).strip();
        assertEquals(43, token.length(), "32 random bytes, base64url: " + token);
        assertTrue(first.acceptsAuthorization("Bearer " + token));

        ApiToken again = ApiToken.loadOrCreate(Optional.empty(), stateDir);
        assertTrue(again.acceptsAuthorization("Bearer " + token), "the same token across restarts");
        assertFalse(Files.exists(stateDir.resolve(".token.tmp")));
    }

    @Test
    void aTokenFileOthersCouldReadIsClosedAndAnEmptyOneIsMadeAgain() throws IOException {
        Path file = stateDir.resolve("token");
        Files.writeString(file, "  chosen-by-hand\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ApiToken exposed = ApiToken.loadOrCreate(Optional.empty(), stateDir);
        assertTrue(exposed.acceptsAuthorization("Bearer chosen-by-hand"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of("the API token " + file.toAbsolutePath() + " was readable by other users (rw-r--r--); it is"
                + " rw------- again, but if someone may have read it, delete it and restart the daemon, which makes a new"
                + " one"), exposed.warnings());
        assertEquals(List.of(), ApiToken.loadOrCreate(Optional.empty(), stateDir).warnings(), "private: nothing to say");

        Files.writeString(file, "\n");
        ApiToken made = ApiToken.loadOrCreate(Optional.empty(), stateDir);
        String token = Files.readString(file).strip();
        assertEquals(43, token.length());
        assertTrue(made.acceptsAuthorization("Bearer " + token));
    }

    @Test
    void aTokenOthersCouldHavePlantedIsRefused() throws IOException {
        Path known = stateDir.resolve("known");
        Files.writeString(known, "known-to-others\n");
        Files.setPosixFilePermissions(known, PosixFilePermissions.fromString("rw-r--r--"));
        Path file = stateDir.resolve("token");
        Files.createSymbolicLink(file, known);
        IOException link = assertThrows(IOException.class, () -> ApiToken.loadOrCreate(Optional.empty(), stateDir));
        assertTrue(link.getMessage().contains("not a regular file"), link.getMessage());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(known)),
                "the link's target is not chmod'ed");
        Files.delete(file);

        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException open = assertThrows(IOException.class, () -> ApiToken.loadOrCreate(Optional.empty(), stateDir));
        assertTrue(open.getMessage().contains("writable by other users"), open.getMessage());
        assertFalse(Files.exists(file));
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
        assertTrue(ApiToken.loadOrCreate(Optional.of("s3cret"), stateDir).acceptsAuthorization("Bearer s3cret"),
                "STEWARD_TOKEN needs no file");
    }

    @Test
    void theCheckBeforeTheStartReadsAndWritesNothing() throws IOException {
        ApiToken.checkPlaceOrExplain(Optional.empty(), stateDir);
        assertFalse(Files.exists(stateDir.resolve("token")));
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        IllegalStateException open = assertThrows(IllegalStateException.class,
                () -> ApiToken.checkPlaceOrExplain(Optional.empty(), stateDir));
        assertEquals("the state directory " + stateDir.toAbsolutePath() + " is writable by other users (rwxrwxrwx): they could"
                + " plant files there that the daemon trusts (the API's token; the list of the children a killed daemon left,"
                + " whose processes the next start stops); chmod go-w it, or use another --state-dir", open.getMessage());
        // STEWARD_TOKEN spares the token file, not the directory: a list of children planted there would have a root
        // daemon signal any process at its start
        IllegalStateException withToken = assertThrows(IllegalStateException.class,
                () -> ApiToken.checkPlaceOrExplain(Optional.of("a-token-of-one's-own"), stateDir));
        assertEquals(open.getMessage(), withToken.getMessage());
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
        Path known = Files.writeString(stateDir.resolve("known"), "known-to-others\n");
        Files.createSymbolicLink(stateDir.resolve("token"), known);
        ApiToken.checkPlaceOrExplain(Optional.of("a-token-of-one's-own"), stateDir); // no token file is read: not checked
        assertThrows(IllegalStateException.class, () -> ApiToken.checkPlaceOrExplain(Optional.empty(), stateDir));
    }

    @Test
    void aStateDirectoryItsOwnGroupMayWriteIsTheDaemonsStill() throws IOException {
        // A user's private group, or OpenShift's root group, whose arbitrary user ids need g+w.
        int ownGroup = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        assertEquals(ownGroup, (Integer) Files.getAttribute(stateDir, "unix:gid"), "a temp dir of the test's own group");
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxrwx---"));
        ApiToken token = ApiToken.loadOrCreate(Optional.empty(), stateDir);
        assertTrue(token.acceptsAuthorization("Bearer " + Files.readString(stateDir.resolve("token")).strip()));
    }

    @Test
    void stewardTokenBeatsTheFileAndWritesNone() throws IOException {
        ApiToken configured = ApiToken.loadOrCreate(Optional.of(" s3cret "), stateDir);
        assertEquals("STEWARD_TOKEN", configured.source());
        assertTrue(configured.warnings().get(0).startsWith("STEWARD_TOKEN has 6 characters, few enough to be guessed"));
        assertEquals(List.of(), ApiToken.loadOrCreate(Optional.of("x".repeat(16)), stateDir).warnings());
        assertTrue(configured.acceptsAuthorization("Bearer s3cret"));
        assertFalse(Files.exists(stateDir.resolve("token")));
        assertTrue(ApiToken.loadOrCreate(Optional.of(" "), stateDir).source().endsWith("token"), "blank is unset");
    }

    @Test
    void bearerOrBasicWithTheTokenAsPasswordIsAcceptedAndNothingElse() throws IOException {
        ApiToken token = ApiToken.loadOrCreate(Optional.of("s3cret"), stateDir);
        assertTrue(token.acceptsAuthorization("Bearer s3cret"));
        assertTrue(token.acceptsAuthorization("bearer   s3cret "));
        assertTrue(token.acceptsAuthorization(basic("admin", "s3cret")));
        assertTrue(token.acceptsAuthorization(basic("", "s3cret")));
        assertFalse(token.acceptsAuthorization(null));
        assertFalse(token.acceptsAuthorization(""));
        assertFalse(token.acceptsAuthorization("s3cret"));
        assertFalse(token.acceptsAuthorization("Bearer s3cre"));
        assertFalse(token.acceptsAuthorization("Bearer s3crett"));
        assertFalse(token.acceptsAuthorization("Bearer "));
        assertFalse(token.acceptsAuthorization(basic("s3cret", "")));
        assertFalse(token.acceptsAuthorization("Basic not-base64!"));
        assertFalse(token.acceptsAuthorization("Digest s3cret"));
    }
}
