package dev.steward.logs;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileTest {

    @TempDir
    Path dir;

    private static void write(RotatingFile f, String s) throws IOException {
        f.write(ByteBuffer.wrap(s.getBytes(US_ASCII)));
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, US_ASCII);
    }

    /** Problems that note what they are told in {@code told}: a message, or "again FILE". */
    private static LogFileProblems told(List<String> told) {
        return new LogFileProblems() {
            @Override
            public void cannotWrite(String message) {
                told.add(message);
            }

            @Override
            public void writtenAgain(Path file) {
                told.add("again " + file);
            }
        };
    }

    /**
     * Writes {@code text} on a thread of its own, and whether that write was still waiting after 10 s, for a reader of
     * {@code fifo} (opened then, to let it go); {@code failed} gets what the write threw.
     */
    private static boolean waitedForAReader(RotatingFile f, String text, Path fifo, IOException[] failed) throws Exception {
        Thread writer = new Thread(() -> {
            try {
                write(f, text);
            } catch (IOException e) {
                failed[0] = e;
            }
        });
        writer.start();
        writer.join(10_000);
        boolean blocked = writer.isAlive();
        if (blocked) {
            try (java.nio.channels.FileChannel reader = java.nio.channels.FileChannel.open(fifo)) { // lets it go
                writer.join(10_000);
            }
        }
        return blocked;
    }

    private Path backup(Path file, int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    @Test
    void fillsToExactlyMaxBytesThenRotatesTheRest() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 10, 3)) {
            write(f, "0123456");
            write(f, "789abcd"); // 3 fit, 4 go to the new file
            assertEquals("0123456789", read(backup(file, 1)));
            assertEquals("abcd", read(file));
            assertEquals(4, f.size());
        }
    }

    @Test
    void aFileTruncatedUnderItByCopytruncateIsFilledToMaxBytesBeforeItRotates() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 10, 3)) {
            write(f, "0123456");
            Files.copy(file, dir.resolve("out.log-20261206")); // logrotate's copytruncate: copy, then truncate in place
            try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                c.truncate(0);
            }
            write(f, "abcdef"); // 6 bytes in a file that holds none: no rotation yet

            assertFalse(Files.exists(backup(file, 1)), "rotated at a size counted before the truncation");
            assertEquals("abcdef", read(file));
            write(f, "ghijk"); // 11: now it rotates at exactly 10
            assertEquals("abcdefghij", read(backup(file, 1)));
            assertEquals("k", read(file));
        }
    }

    @Test
    void afterCopytruncateTheFileFillsToMaxBytesBeforeItRotates() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 10, 3)) {
            write(f, "1234567\n");
            try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                c.truncate(0); // logrotate's copytruncate
            }
            write(f, "abcd\n"); // 8 + 5 bytes by the count from before: it rotated here, a file early
            assertFalse(Files.exists(backup(file, 1)), "rotated by a stale count");
            assertEquals("abcd\n", read(file));
        }
    }

    @Test
    void whatCopytruncateTookIsNotReadBackFromTheOlderBackups() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 10, 3)) {
            write(f, "AAAAAAAAAABBBBBBBBBBCCCCC"); // out.log.2 the As, out.log.1 the Bs, out.log CCCCC
            try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                c.truncate(0); // logrotate's copytruncate: the Cs are in its copy now
            }
            write(f, "DDDDD");
            try (LogFiles files = f.snapshot().orElseThrow()) {
                assertEquals(-1, files.offsetOf(20), "the Cs are not in the files, nor is the Bs' end what came at 20");
                assertEquals("DDDDD", new String(files.read(files.offsetOf(25), 100), US_ASCII));
            }
            write(f, "EEEEEEE"); // fills the file to 10 and rotates
            try (LogFiles files = f.snapshot().orElseThrow()) {
                assertEquals(-1, files.offsetOf(20));
                assertEquals("DDDDDEEEEEEE", new String(files.read(files.offsetOf(25), 100), US_ASCII));
            }
        }
    }

    @Test
    void reopenAfterLogrotateMovedTheFileWritesANewOneAtThePath() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 10, 3, LogFileProblems.NONE, () -> 0L)) { // the path not looked at again
            write(f, "abc");
            Files.move(file, dir.resolve("out.log-20261206"));
            write(f, "def"); // still the moved file, as the descriptor is
            f.reopen();
            write(f, "0123456789x"); // a fresh count: fills the new file to 10 and rotates once

            assertEquals("abcdef", read(dir.resolve("out.log-20261206")));
            assertEquals("0123456789", read(backup(file, 1)));
            assertEquals("x", read(file));
        }
    }

    @Test
    void aPathThatIsASymbolicLinkIsWrittenThroughAndNeverRenamed() throws IOException {
        // file: /dev/stdout is a link to /proc/self/fd/1: rotating it renamed the link and left a regular file there.
        Path target = Files.writeString(dir.resolve("elsewhere.log"), "0123456789abc"); // already over the limit
        Path link = Files.createSymbolicLink(dir.resolve("out.log"), target);
        try (RotatingFile f = new RotatingFile(link, 10, 3)) {
            write(f, "defghijklmnopqrstuvwxyz");
        }
        assertTrue(Files.isSymbolicLink(link), "still the link");
        assertEquals("0123456789abcdefghijklmnopqrstuvwxyz", read(target));
        assertFalse(Files.exists(backup(link, 1), java.nio.file.LinkOption.NOFOLLOW_LINKS), "no backup made");
    }

    @Test
    void theDaemonsOwnStreamsAreWrittenWithoutOpeningThemAndStayOpen() throws IOException {
        assertEquals(DaemonStreams.named(Path.of("/dev/stdout")), DaemonStreams.named(Path.of("/proc/self/fd/1")));
        assertEquals(DaemonStreams.named(Path.of("/dev/stdout")), DaemonStreams.named(Path.of("/dev//fd/./1")));
        assertEquals(DaemonStreams.named(Path.of("/dev/stderr")), DaemonStreams.named(Path.of("/dev/fd/2")));
        assertEquals(null, DaemonStreams.named(Path.of("/dev/stdout.log")));
        assertEquals(null, DaemonStreams.named(Path.of("dev/stdout")));
        long own = ProcessHandle.current().pid();
        assertEquals(DaemonStreams.named(Path.of("/dev/stderr")), DaemonStreams.named(Path.of("/proc/" + own + "/fd/2")));
        long other = ProcessHandle.current().parent().orElseThrow().pid();
        assertEquals(null, DaemonStreams.named(Path.of("/proc/" + other + "/fd/1")), "another process's stdout is a path");

        // stderr: the test runner reads this JVM's stdout for its own messages
        RotatingFile f = new RotatingFile(Path.of("/dev/stderr"), 1, 0); // a truncation at each write, were it a file
        write(f, "RotatingFileTest: a line on stderr, as a program's output would be\n");
        f.reopen(); // logrotate's USR2
        write(f, "RotatingFileTest: and another after a reopen\n");
        f.close();
        assertTrue(DaemonStreams.named(Path.of("/dev/stderr")).isOpen(), "the daemon's stderr is not closed");
        assertTrue(f.snapshot().isEmpty(), "nothing to read back: logs answers from memory");
    }

    @Test
    void aFileThatCannotBeWrittenIsToldOnceUntilItIsWrittenAgain() throws IOException {
        List<String> told = new ArrayList<>();
        LogFileProblems problems = told(told);
        Path blocker = Files.writeString(dir.resolve("logs"), "a file where the log directory should be");
        Path file = dir.resolve("logs/out.log");
        try (RotatingFile f = new RotatingFile(file, 0, 0, problems)) {
            assertThrows(IOException.class, () -> write(f, "a\n"));
            assertThrows(IOException.class, () -> write(f, "b\n"));
            assertEquals(1, told.size(), told::toString);
            assertTrue(told.get(0).startsWith("cannot write log file " + file + ": FileAlreadyExistsException"), told::toString);
            assertTrue(told.get(0).contains("check that the daemon can create and write that directory"), told::toString);

            Files.delete(blocker);
            write(f, "c\n");
            write(f, "d\n");
            assertEquals(List.of(told.get(0), "again " + file), told);
            assertEquals("c\nd\n", read(file));
            f.close();
            assertThrows(IOException.class, () -> write(f, "e\n"));
            assertEquals(2, told.size(), "a write after close is no file's problem: " + told);
        }
    }

    @Test
    void aRotationFallsAtALinesEndSoThatEachFileReadsOnItsOwn() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 10, 5)) {
            write(f, "aaaa\nbbbb\ncccc\n"); // one chunk of 15: the lines that fit, then the rest
            assertEquals("aaaa\nbbbb\n", read(backup(file, 1)));
            assertEquals("cccc\n", read(file));

            write(f, "dd\n");
            write(f, "eeeeeeee\n"); // does not fit, and the file ends at a line's end: it starts the next file
            assertEquals("cccc\ndd\n", read(backup(file, 1)));
            assertEquals("eeeeeeee\n", read(file));

            write(f, "f\nggggggggggggggg\nh"); // a line longer than maxBytes has a file of its own, past maxBytes
            assertEquals("eeeeeeee\n", read(backup(file, 3)));
            assertEquals("f\n", read(backup(file, 2)));
            assertEquals("ggggggggggggggg\n", read(backup(file, 1)));
            assertEquals("h", read(file));
            write(f, "\n");
            assertEquals("aaaa\nbbbb\n" + "cccc\ndd\n" + "eeeeeeee\n" + "f\n" + "ggggggggggggggg\n" + "h\n",
                    read(backup(file, 5)) + read(backup(file, 4)) + read(backup(file, 3)) + read(backup(file, 2))
                            + read(backup(file, 1)) + read(file));
        }
    }

    @Test
    void aChunkOfManyFilesIsWrittenOnlyIntoTheFilesThatStay() throws IOException {
        // maxBytes: 10, meant as 10Mi: a pipe's 64 KiB of output, with no line end, fills 6,554 files, of which the
        // backups keep 4; rotating through the others, renaming every backup each time, held up for many seconds the
        // thread that reads every program's output.
        StringBuilder binary = new StringBuilder();
        for (int i = 0; i < 65_536; i++) {
            binary.append((char) ('a' + i % 26));
        }
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 10, 3)) {
            write(f, binary.toString());
            assertTrue(f.rotations() <= 2 * 3 + 1, "rotations: " + f.rotations());
            // cut at maxBytes, as one rotation at a time cuts it: 6,553 files of 10 bytes, and one of 6
            assertEquals(binary.substring(65_500, 65_510), read(backup(file, 3)));
            assertEquals(binary.substring(65_510, 65_520), read(backup(file, 2)));
            assertEquals(binary.substring(65_520, 65_530), read(backup(file, 1)));
            assertEquals(binary.substring(65_530), read(file));
            assertFalse(Files.exists(backup(file, 4)));
        }

        StringBuilder lines = new StringBuilder(); // lines of 9 bytes: one a file
        for (int i = 0; i < 10_000; i++) {
            lines.append(String.format("%08d", i)).append('\n');
        }
        Path text = dir.resolve("text.log");
        try (RotatingFile f = new RotatingFile(text, 10, 2)) {
            write(f, "earlier\n");
            write(f, lines.toString());
            assertTrue(f.rotations() <= 2 * 2 + 1, "rotations: " + f.rotations());
            assertEquals("00009997\n", read(backup(text, 2)));
            assertEquals("00009998\n", read(backup(text, 1)));
            assertEquals("00009999\n", read(text));

            write(f, "next\n"); // and on as before, the next line in a file of its own
            assertEquals("00009999\n", read(backup(text, 1)));
            assertEquals("next\n", read(text));
        }
    }

    @Test
    void aLineThatAPipesReadsSplitIsEndedInTheFileItBeganIn() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 10, 5)) {
            write(f, "aaaa\n");
            write(f, "bb");
            write(f, "bbbbbbbb"); // past maxBytes with no line end yet: text, so its end is waited for
            assertFalse(Files.exists(backup(file, 1)));
            write(f, "b\ncc");
            assertEquals("aaaa\nbbbbbbbbbbb\n", read(backup(file, 1)));
            assertEquals("cc", read(file));
        }
        Path binary = dir.resolve("binary.log");
        try (RotatingFile f = new RotatingFile(binary, 10, 5)) {
            write(f, "0123456");
            write(f, "789abcdef"); // no line ever ended: cut at maxBytes exactly, as bytes
            assertEquals("0123456789", read(backup(binary, 1)));
            assertEquals("abcdef", read(binary));
        }
    }

    @Test
    void anEarlierRunsFullFileRotatesBeforeThisRunsFirstLine() throws IOException {
        Path file = Files.writeString(dir.resolve("out.log"), "previous run's last line\n"); // past maxBytes, a line's end
        try (RotatingFile f = new RotatingFile(file, 10, 2)) {
            write(f, "first line of this run\n");
            assertEquals("previous run's last line\n", read(backup(file, 1)));
            assertEquals("first line of this run\n", read(file));
        }
    }

    @Test
    void aLineCutByAFailedWriteIsEndedBeforeTheNextOutput() throws IOException {
        Path file = dir.resolve("out.log");
        Path blocker = Files.createDirectories(dir.resolve("out.log.1/x")).getParent(); // the rotation cannot happen
        try (RotatingFile f = new RotatingFile(file, 8, 1)) {
            write(f, "x\nhalf");
            // No line end within 16 KiB: it would fill hundreds of files, of which one backup stays, so the rotation
            // that lets the others go comes first, and fails.
            String longLine = "m".repeat(20_000);
            assertThrows(IOException.class, () -> write(f, longLine));
            assertEquals("x\nhalf", read(file));

            Files.delete(blocker.resolve("x"));
            Files.delete(blocker);
            f.setLimits(100, 1);
            write(f, "next\n");
            assertEquals("x\nhalf\nnext\n", read(file), "the next line is not glued to the half line");
            write(f, "and on\n");
            assertEquals("x\nhalf\nnext\nand on\n", read(file), "only once");
            try (LogFiles files = f.snapshot().orElseThrow()) {
                assertEquals("next\nand on\n", new String(files.read(files.offsetOf(20_006), 100), US_ASCII),
                        "the stream from the failure on is still found where it is");
                assertEquals(-1, files.offsetOf(20_005), "the failed chunk is not");
            }
        }
    }

    @Test
    void aFileThatCanBeWrittenButNotReadIsWrittenAgainAfterAFailure() throws IOException {
        // root reads any file: the read-back that ends a cut line cannot fail then
        org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "needs a non-root user");
        Path file = dir.resolve("out.log");
        Path blocker = Files.createDirectories(dir.resolve("out.log.1/x")).getParent(); // the rotation cannot happen
        try (RotatingFile f = new RotatingFile(file, 8, 1)) {
            write(f, "x\nhalf");
            assertThrows(IOException.class, () -> write(f, "m".repeat(20_000)));
            Files.delete(blocker.resolve("x"));
            Files.delete(blocker);
            f.setLimits(100, 1);
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("-w-------"));
            write(f, "next\n"); // failed for good: the read-back of its last byte was denied
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            assertTrue(read(file).endsWith("next\n"));
        }
    }

    @Test
    void exactlyFullFileRotatesOnlyWhenMoreBytesArrive() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 5, 2)) {
            write(f, "abcde");
            assertEquals("abcde", read(file));
            assertFalse(Files.exists(backup(file, 1)));
            write(f, "f");
            assertEquals("abcde", read(backup(file, 1)));
            assertEquals("f", read(file));
        }
    }

    @Test
    void oneChunkSpanningSeveralFilesRotatesSeveralTimes() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 4, 5)) {
            write(f, "aaaabbbbccccdd");
            assertEquals("aaaa", read(backup(file, 3)));
            assertEquals("bbbb", read(backup(file, 2)));
            assertEquals("cccc", read(backup(file, 1)));
            assertEquals("dd", read(file));
            assertFalse(Files.exists(backup(file, 4)));
        }
    }

    @Test
    void dropsBackupsBeyondTheLimit() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 2, 2)) {
            write(f, "aabbccdde");
            assertEquals("cc", read(backup(file, 2)));
            assertEquals("dd", read(backup(file, 1)));
            assertEquals("e", read(file));
            assertFalse(Files.exists(backup(file, 3)));
        }
    }

    @Test
    void zeroBackupsTruncatesInsteadOfRotating() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 4, 0)) {
            write(f, "abcdefghij");
            assertEquals("ij", read(file));
            assertFalse(Files.exists(backup(file, 1)));
            write(f, "kl");
            assertEquals("ijkl", read(file));
            write(f, "m");
            assertEquals("m", read(file));
        }
    }

    @Test
    void zeroMaxBytesNeverRotates() throws IOException {
        Path file = dir.resolve("out.log");
        byte[] big = new byte[100_000];
        new Random(1).nextBytes(big);
        try (RotatingFile f = new RotatingFile(file, 0, 3)) {
            for (int i = 0; i < 5; i++) {
                f.write(ByteBuffer.wrap(big));
            }
            assertEquals(500_000, f.size());
        }
        assertEquals(500_000, Files.size(file));
        assertFalse(Files.exists(backup(file, 1)));
    }

    @Test
    void appendsToAnExistingFileAndCountsItsSize() throws IOException {
        Path file = dir.resolve("out.log");
        Files.writeString(file, "old", US_ASCII);
        try (RotatingFile f = new RotatingFile(file, 5, 1)) {
            write(f, "new");
            assertEquals("oldne", read(backup(file, 1)));
            assertEquals("w", read(file));
        }
    }

    @Test
    void existingFileAlreadyOverTheLimitIsRotatedWhole() throws IOException {
        Path file = dir.resolve("out.log");
        Files.writeString(file, "0123456789", US_ASCII);
        try (RotatingFile f = new RotatingFile(file, 4, 1)) {
            write(f, "ab");
            assertEquals("0123456789", read(backup(file, 1)));
            assertEquals("ab", read(file));
        }
    }

    @Test
    void createsParentDirectories() throws IOException {
        Path file = dir.resolve("a/b/c/out.log");
        try (RotatingFile f = new RotatingFile(file, 0, 0)) {
            f.open();
            assertTrue(Files.exists(file));
            write(f, "hi");
        }
        assertEquals("hi", read(file));
    }

    @Test
    void setLimitsAppliesToTheOpenFile() throws IOException {
        Path file = dir.resolve("out.log");
        try (RotatingFile f = new RotatingFile(file, 0, 0)) {
            write(f, "abcdef");
            f.setLimits(4, 2);
            write(f, "gh"); // current file already over 4: rotated whole first
            assertEquals("abcdef", read(backup(file, 1)));
            assertEquals("gh", read(file));
            write(f, "ijk");
            assertEquals("ghij", read(backup(file, 1)));
            assertEquals("abcdef", read(backup(file, 2)));
            assertEquals("k", read(file));

            // Lowering backups drops the now surplus ones at the next rotation.
            f.setLimits(2, 0);
            write(f, "lm");
            assertEquals("m", read(file));
            assertFalse(Files.exists(backup(file, 1)));
            assertFalse(Files.exists(backup(file, 2)));

            f.setLimits(0, 0);
            write(f, "nopqrstuvw");
            assertEquals("mnopqrstuvw", read(file));
        }
    }

    @Test
    void aFileDeletedWithItsDirectoryIsCreatedAgainByAWriteOnceThePathIsLookedAtAgain() throws IOException {
        // Supervisor, and this daemon before, wrote on into the deleted file, unseen, until a signal (no rotation here).
        Path file = dir.resolve("logs/out.log");
        long[] now = {0};
        try (RotatingFile f = new RotatingFile(file, 0, 0, LogFileProblems.NONE, () -> now[0])) {
            write(f, "before\n");
            Files.delete(file);
            Files.delete(file.getParent());
            now[0] += RotatingFile.PATH_CHECK_NANOS - 1;
            write(f, "lost\n"); // into the deleted file: the path is looked at every two seconds only
            assertFalse(Files.exists(file));
            now[0] += 1;
            write(f, "after\n");
            assertEquals("after\n", read(file));
        }
    }

    @Test
    void aFileLogrotateMovedAsideAndCreatedAnewWithoutASignalIsFollowedToTheNewOne() throws IOException {
        // logrotate's create mode with no postrotate kill -USR2: the new, empty file stayed empty.
        Path file = dir.resolve("out.log");
        Path rotated = dir.resolve("out.log-20261207");
        long[] now = {0};
        try (RotatingFile f = new RotatingFile(file, 0, 0, LogFileProblems.NONE, () -> now[0])) {
            write(f, "one\n");
            Files.move(file, rotated);
            Files.createFile(file);
            now[0] += RotatingFile.PATH_CHECK_NANOS;
            write(f, "two\n");
            assertEquals("one\n", read(rotated));
            assertEquals("two\n", read(file));
            try (LogFiles files = f.snapshot().orElseThrow()) {
                assertEquals(-1, files.offsetOf(0), "what went to the moved file is not read back as the path's");
                assertEquals("two\n", new String(files.read(files.offsetOf(4), 100), US_ASCII));
            }
        }
    }

    @Test
    void aFifoThatNothingReadsIsNotWaitedForAndWritesFailUntilAReaderComes() throws Exception {
        // A FIFO that a log shipper reads, not started yet or restarting: an open for writing waits for a reader, and it
        // held the thread that reads every program's pipes (all output stopped) and, at this file's lock, the supervision loop.
        Path fifo = dir.resolve("ship.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        List<String> told = new ArrayList<>();
        LogFileProblems problems = told(told);
        try (RotatingFile f = new RotatingFile(fifo, 0, 0, problems)) {
            IOException[] failed = {null};
            assertFalse(waitedForAReader(f, "lost\n", fifo, failed), "the write waited for a reader of the FIFO");
            assertTrue(failed[0] != null, "nothing reads it: the write fails");
            assertTrue(told.get(0).contains("start what reads that FIFO"), told::toString);

            // A reader at last (Linux opens a FIFO for reading and writing at once): the next write opens it again.
            try (java.nio.channels.FileChannel reader = java.nio.channels.FileChannel.open(fifo,
                    java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                write(f, "read\n");
                ByteBuffer got = ByteBuffer.allocate(5);
                while (got.hasRemaining() && reader.read(got) >= 0) {
                    // the five bytes are in the FIFO already
                }
                assertEquals("read\n", new String(got.array(), US_ASCII));
                assertEquals("again " + fifo, told.get(told.size() - 1));
            }
        }
    }

    @Test
    void aFileReplacedByAFifoIsNotOpenedWithoutASignal() throws Exception {
        // A FIFO where the log was is no log moved aside: it is opened on a signal only, and the writes go on meanwhile.
        Path file = dir.resolve("out.log");
        Path moved = dir.resolve("out.log-20261207");
        long[] now = {0};
        try (RotatingFile f = new RotatingFile(file, 0, 0, LogFileProblems.NONE, () -> now[0])) {
            write(f, "one\n");
            Files.move(file, moved);
            assertEquals(0, new ProcessBuilder("mkfifo", file.toString()).inheritIO().start().waitFor());
            now[0] += RotatingFile.PATH_CHECK_NANOS;
            IOException[] failed = {null};
            assertFalse(waitedForAReader(f, "two\n", file, failed), "the write waited for a reader of the FIFO");
            assertEquals(null, failed[0]);
            assertEquals("one\ntwo\n", read(moved), "on into the file it has open, until a signal");
        }
    }

    @Test
    void reopensAfterTheFileWasMovedAway() throws IOException {
        // A rotation that finds the current file gone (deleted directory) starts a fresh one.
        Path file = dir.resolve("logs/out.log");
        try (RotatingFile f = new RotatingFile(file, 4, 1)) {
            write(f, "abcd");
            Files.delete(file);
            Files.delete(file.getParent());
            write(f, "ef");
            assertEquals("ef", read(file));
            assertFalse(Files.exists(backup(file, 1)));
        }
    }

    @Test
    void writeAfterCloseFails() throws IOException {
        RotatingFile f = new RotatingFile(dir.resolve("out.log"), 0, 0);
        write(f, "a");
        f.close();
        f.close();
        assertThrows(IOException.class, () -> write(f, "b"));
    }

    @Test
    void rejectsNegativeLimits() {
        Path file = dir.resolve("out.log");
        assertThrows(IllegalArgumentException.class, () -> new RotatingFile(file, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RotatingFile(file, 0, -1));
    }

    @Test
    void twentyMegabytesInRandomChunksReassembleExactly() throws IOException {
        Path file = dir.resolve("big.log");
        int maxBytes = 1 << 20;
        int total = 20 << 20;
        Random random = new Random(20240601);
        byte[] data = new byte[total];
        random.nextBytes(data);

        try (RotatingFile f = new RotatingFile(file, maxBytes, 30)) {
            int off = 0;
            while (off < total) {
                // Mostly pipe-sized chunks, now and then one spanning several files.
                int want = random.nextInt(10) == 0 ? random.nextInt(3 * maxBytes) + 1 : random.nextInt(65_536) + 1;
                int n = Math.min(want, total - off);
                f.write(ByteBuffer.wrap(data, off, n));
                off += n;
            }
        }

        // Each backup ends at a line's end (random bytes hold a newline every 256 on average), so 20 MiB take more than
        // 19 of them, each within 16 KiB of maxBytes: the last newline that fits, or the first past it.
        int backups = 19;
        while (Files.exists(backup(file, backups + 1))) {
            backups++;
        }
        assertTrue(backups > 19 && backups <= 30, "backups: " + backups);
        ByteArrayOutputStream joined = new ByteArrayOutputStream(total);
        for (int i = backups; i >= 1; i--) {
            byte[] content = Files.readAllBytes(backup(file, i));
            assertTrue(Math.abs(content.length - maxBytes) <= RotatingFile.LINE_OVERSHOOT, backup(file, i) + ": " + content.length);
            assertEquals('\n', content[content.length - 1], backup(file, i) + " ends at a line's end");
            joined.writeBytes(content);
        }
        joined.writeBytes(Files.readAllBytes(file));
        assertArrayEquals(data, joined.toByteArray());
    }
}
