package dev.steward.logs;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log path in a directory every user may write (/tmp): another user's link or file there is not opened, whatever
 * the kernel's fs.protected_symlinks and protected_regular say (a container has its host's, often off).
 */
class SharedDirectoryTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path root;
    Path shared;
    Path victim;

    @BeforeEach
    void sharedDirectoryAndAFileOfTheDaemonsUser() throws IOException {
        shared = Files.createDirectory(root.resolve("tmp"));
        Files.setAttribute(shared, "unix:mode", 01777);
        victim = Files.writeString(root.resolve("shadow"), "root:secret\n");
    }

    private static void write(RotatingFile file, String text) throws IOException {
        file.write(ByteBuffer.wrap(text.getBytes(US_ASCII)));
    }

    private static void assumeRoot() {
        // Another user's entry needs chown; the daemon that matters here runs as root
        Assumptions.assumeTrue((Integer) uid(Path.of("/proc/self")) == 0, "run as root (to make another user's link)");
    }

    private static Object uid(Path path) {
        try {
            return Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anotherUsersLinkThereIsNeitherFollowedNorTruncatedThrough() throws IOException {
        assumeRoot();
        Path log = shared.resolve("app.log");
        Files.createSymbolicLink(log, victim);
        Files.setAttribute(log, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        try (RotatingFile file = new RotatingFile(log, 5, 0)) { // backups 0: a rotation truncates in place
            IOException refused = assertThrows(IOException.class, () -> write(file, "INJECTED\nINJECTED\n"));
            assertTrue(refused.getMessage().startsWith(log + " is a symbolic link of user id 65534 in " + shared + ", a"
                    + " directory every user may write: the daemon (user id 0) does not open it"), refused.getMessage());
        }
        assertEquals("root:secret\n", Files.readString(victim));
    }

    @Test
    void anotherUsersLinkToAFifoDoesNotOpenItForReadingEither() throws Exception {
        assumeRoot();
        Path fifo = root.resolve("control.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Path log = shared.resolve("app.log");
        Files.createSymbolicLink(log, fifo);
        Files.setAttribute(log, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        // A reader of that FIFO waits in its open for a writer: the daemon's reader-and-writer open would let it go on,
        // to read an end of file, at every output of the program.
        Process reader = new ProcessBuilder("cat", fifo.toString()).start();
        try {
            Path waitChannel = Path.of("/proc/" + reader.pid() + "/wchan");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(waitChannel).equals("wait_for_partner"));
            try (RotatingFile file = new RotatingFile(log, 0, 0)) {
                IOException refused = assertThrows(IOException.class, () -> write(file, "line\n"));
                assertTrue(refused.getMessage().startsWith(log + " is a symbolic link of user id 65534"), refused.getMessage());
            }
            assertFalse(reader.waitFor(2, TimeUnit.SECONDS), "the FIFO was opened: its reader went on and ended");
        } finally {
            reader.destroyForcibly().waitFor();
        }
    }

    @Test
    void anotherUsersFileThereGetsNoOutputAndAHardLinkNone() throws IOException {
        assumeRoot();
        Path log = Files.writeString(shared.resolve("app.log"), "");
        Files.setAttribute(log, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        try (RotatingFile file = new RotatingFile(log, 0, 0)) {
            IOException refused = assertThrows(IOException.class, () -> write(file, "secret output\n"));
            assertTrue(refused.getMessage().contains("is a file of user id 65534"), refused.getMessage());
        }
        assertEquals("", Files.readString(log));
        Path linked = Files.createLink(shared.resolve("linked.log"), victim);
        try (RotatingFile file = new RotatingFile(linked, 0, 0)) {
            IOException refused = assertThrows(IOException.class, () -> write(file, "INJECTED\n"));
            assertTrue(refused.getMessage().contains("has 2 hard links"), refused.getMessage());
        }
        assertEquals("root:secret\n", Files.readString(victim));
    }

    @Test
    void theDaemonsOwnFilesAndLinksThereAreWrittenAndRotatedAsAnywhere() throws IOException {
        Path log = shared.resolve("app.log");
        try (RotatingFile file = new RotatingFile(log, 6, 2)) {
            write(file, "one\n");
            write(file, "two\n"); // rotates: the file is created anew
            write(file, "three\n"); // and again
        }
        assertEquals("one\n", Files.readString(shared.resolve("app.log.2")));
        assertEquals("two\n", Files.readString(shared.resolve("app.log.1")));
        assertEquals("three\n", Files.readString(log));
        Path own = Files.createSymbolicLink(shared.resolve("own.log"), root.resolve("elsewhere.log"));
        try (RotatingFile file = new RotatingFile(own, 0, 0)) {
            write(file, "through my link\n");
        }
        assertEquals("through my link\n", Files.readString(root.resolve("elsewhere.log")));
        assertTrue(Files.isSymbolicLink(own));
    }

    @Test
    void outsideASharedDirectoryLinksAreFollowedAsBefore() throws IOException {
        Path log = Files.createSymbolicLink(root.resolve("app.log"), victim);
        try (RotatingFile file = new RotatingFile(log, 0, 0)) {
            write(file, "appended\n");
        }
        assertEquals("root:secret\nappended\n", Files.readString(victim));
        assertFalse(Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS));
    }
}
