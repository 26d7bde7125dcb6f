package dev.steward.supervise;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command is found as exec would find it, and what cannot be run is named with what to do. */
class CommandResolverTest {
    @TempDir
    Path dir;

    private Path file(String name, String permissions) throws IOException {
        Path path = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        return path;
    }

    private static Path resolve(String program, Map<String, String> environment, Optional<Path> directory) throws SpawnException {
        return CommandResolver.resolve(List.of(program, "arg"), environment, directory);
    }

    @Test
    void anExecutableFileByPathIsRunAsWritten() throws Exception {
        Path script = file("run.sh", "rwxr-xr-x");
        assertEquals(script, resolve(script.toString(), Map.of(), Optional.empty()));
        assertEquals(script, resolve("./run.sh", Map.of(), Optional.of(dir)).normalize());
    }

    @Test
    void aRelativeCommandIsTakenFromARelativeWorkingDirectoryAndFoundAbsolute() throws Exception {
        // directory: app (taken from the daemon's working directory) with command ./run.sh: the child execs the
        // path after its chdir into app, so app/./run.sh, relative, would name app/app/run.sh there
        Path script = file("run.sh", "rwxr-xr-x");
        Path relative = Path.of("").toAbsolutePath().relativize(dir);
        Path found = resolve("./run.sh", Map.of(), Optional.of(relative));
        assertTrue(found.isAbsolute(), found.toString());
        assertEquals(script, found.normalize());
        assertEquals(script, resolve(relative.resolve("run.sh").toString(), Map.of(), Optional.empty()).normalize());
        assertTrue(resolve(relative.resolve("run.sh").toString(), Map.of(), Optional.empty()).isAbsolute());
    }

    @Test
    void aRelativePathEntryIsTakenFromTheWorkingDirectoryAsExecAfterTheChdirTakesIt() throws Exception {
        Files.createDirectory(dir.resolve("bin"));
        Path tool = file("bin/tool", "rwxr-xr-x");
        assertEquals(tool, resolve("tool", Map.of("PATH", "/nonexistent:bin"), Optional.of(dir)));
        Path here = file("here", "rwxr-xr-x");
        assertEquals(here, resolve("here", Map.of("PATH", "/nonexistent:"), Optional.of(dir)), "an empty entry");
    }

    @Test
    void aBareNameIsLookedUpOnThePath() throws Exception {
        Path script = file("tool", "rwxr-xr-x");
        file("other", "rw-r--r--");
        assertEquals(script, resolve("tool", Map.of("PATH", "/nonexistent:" + dir), Optional.empty()));
        SpawnException missing = assertThrows(SpawnException.class, () -> resolve("other", Map.of("PATH", dir.toString()), Optional.empty()));
        assertTrue(missing.getMessage().startsWith("can't find command 'other' on PATH (" + dir + ")"), missing.getMessage());
    }

    /**
     * A PATH entry of the daemon's that is not UTF-8 (Latin-1's /opt/caf\xe9/bin, kept as its bytes for the children)
     * is no file name Java takes: the lookup threw on the supervision thread, and no program of the reconcile started.
     */
    @Test
    void aPathEntryThatIsNotUtf8IsPassedOverAndACommandThatIsNotIsNotFound() throws Exception {
        Path script = file("tool", "rwxr-xr-x");
        String latin1 = RawText.decode(new byte[] {'/', 'c', 'a', 'f', (byte) 0xe9}, 0, 5);
        assertEquals(script, resolve("tool", Map.of("PATH", latin1 + "/bin:" + dir), Optional.empty()));

        SpawnException e = assertThrows(SpawnException.class, () -> resolve(latin1 + "/tool", Map.of(), Optional.empty()));
        assertTrue(e.getMessage().startsWith("can't find command '/caf\ufffd/tool'"), e.getMessage());
    }

    /**
     * Under a locale that is not UTF-8 (no LANG: ASCII) Java takes no file name with a byte above 127 at all; a NUL stands
     * for such a name here, as no locale takes it: an entry passed over, a command refused, never an exception.
     */
    @Test
    void aPathEntryOrCommandJavaCannotNameIsNoExceptionOnTheSupervisionThread() throws Exception {
        Path script = file("tool", "rwxr-xr-x");
        assertEquals(script, resolve("tool", Map.of("PATH", "/a\0b:" + dir), Optional.empty()));

        SpawnException e = assertThrows(SpawnException.class, () -> resolve("/a\0b/tool", Map.of(), Optional.empty()));
        assertTrue(e.getMessage().startsWith("can't find command '/a\0b/tool': Java cannot name it as a file here"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamedWithWhereItWasLookedFor() {
        Path missing = dir.resolve("nope");
        SpawnException e = assertThrows(SpawnException.class, () -> resolve(missing.toString(), Map.of(), Optional.empty()));
        assertEquals("can't find command '" + missing + "' (" + missing + " does not exist); fix spec.command or spec.directory",
                e.getMessage());
    }

    @Test
    void aFileWithoutTheExecuteBitIsNotExecutableAndADirectoryIsSaidToBeOne() throws Exception {
        Path plain = file("data.txt", "rw-r--r--");
        SpawnException e = assertThrows(SpawnException.class, () -> resolve(plain.toString(), Map.of(), Optional.empty()));
        assertEquals("command at '" + plain + "' is not executable; chmod +x it or run it through an interpreter in spec.command",
                e.getMessage());
        Path directory = Files.createDirectory(dir.resolve("bin"));
        e = assertThrows(SpawnException.class, () -> resolve(directory.toString(), Map.of(), Optional.empty()));
        assertEquals("command at '" + directory + "' is a directory; name the program in it in spec.command", e.getMessage());
    }
}
