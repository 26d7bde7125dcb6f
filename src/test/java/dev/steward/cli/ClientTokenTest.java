package dev.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientTokenTest {

    @TempDir
    Path stateDir;

    private static final HttpTransport.Endpoint HERE = HttpTransport.Endpoint.tcp("127.0.0.1", 9001);
    private static final HttpTransport.Endpoint ELSEWHERE = HttpTransport.Endpoint.tcp("192.0.2.7", 9001);

    @Test
    void theStateDirectorysTokenGoesOnlyToADaemonOnThisMachine() throws IOException {
        Files.writeString(stateDir.resolve("token"), "local-secret\n");
        ClientToken local = ClientToken.of(Map.of(), stateDir, HERE);
        assertEquals("Bearer local-secret", local.authorization());
        int owner = (Integer) Files.getAttribute(stateDir, "unix:uid");
        assertTrue(local.trustedPeers().contains(0) && local.trustedPeers().contains(owner), local.trustedPeers().toString());

        ClientToken remote = ClientToken.of(Map.of(), stateDir, ELSEWHERE);
        assertNull(remote.authorization(), "another host is not sent this machine's daemon's token");
        assertTrue(remote.note().contains("only to a daemon on this machine; for the one at http://192.0.2.7:9001, set"
                + " STEWARD_TOKEN to its token"), remote.note());
    }

    @Test
    void aStateDirectoryAnotherUserPutInADirectoryEveryoneMayWriteIsNotUsed(@TempDir Path cwd) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0),
                "root gives the directory away");
        Files.setPosixFilePermissions(cwd, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx")); // as /tmp
        Files.setAttribute(Files.createDirectory(cwd.resolve(".steward")), "unix:uid", 65534);

        CliException planted = org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
                () -> Api.of(null, Map.of(), cwd));
        assertEquals(StewardCli.EXIT_USAGE, planted.exitCode());
        assertTrue(planted.getMessage().contains("/.steward belongs to user id 65534, and every user may write "),
                planted.getMessage());
        Api.of(null, Map.of("STEWARD_STATE_DIR", ".steward"), cwd); // named by the user: theirs to choose
        Files.setPosixFilePermissions(cwd, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Api.of(null, Map.of(), cwd); // a service account's, where only its owner may write: that daemon's
    }

    @Test
    void stewardTokenGoesWhereverTheServerIsAndBeatsTheFile() throws IOException {
        Files.writeString(stateDir.resolve("token"), "local-secret\n");
        assertEquals("Bearer chosen", ClientToken.of(Map.of("STEWARD_TOKEN", " chosen "), stateDir, ELSEWHERE).authorization());
        assertEquals("Bearer chosen", ClientToken.of(Map.of("STEWARD_TOKEN", "chosen"), stateDir, HERE).authorization());
    }

    @Test
    void withoutATokenNothingIsSentAndTheNoteSaysWhereItLooked() {
        ClientToken none = ClientToken.of(Map.of(), stateDir, HERE);
        assertNull(none.authorization());
        assertNull(none.trustedPeers());
        assertTrue(none.note().contains(stateDir.resolve("token") + " does not exist"), none.note());
    }
}
