package dev.steward;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ControlSocketModeTest {
    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode") & 07777;
    }

    @Test
    void theStateDirectoryGetsItsSetgidAndStickyBitsBackAfterTheBind(@TempDir Path parent) throws IOException {
        // umask 002 goes with a group's setgid directory: closing it for the bind must not cost it the setgid bit
        Path dir = Files.createDirectory(parent.resolve("state"));
        Files.setAttribute(dir, "unix:mode", 03775);
        ControlSocket control = new ControlSocket(true, dir.resolve("steward.sock"));
        control.closeForTheBind(true);
        assertEquals(03764, mode(dir), "closed to group and others, special bits kept");
        control.reopenOnStop(null);
        assertEquals(03775, mode(dir), "its mode back, setgid and sticky bits too");
    }
}
