package dev.steward.logs;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log file and its backups read back as one stream: {@link RotatingFile#snapshot()} and {@link LogFiles}. */
class LogFilesTest {

    @TempDir
    Path dir;

    private static void write(RotatingFile file, String text, long streamEnd) throws IOException {
        file.write(ByteBuffer.wrap(text.getBytes(US_ASCII)), streamEnd);
    }

    /** Writes {@code text} through {@code file}, then snapshots it. */
    private static LogFiles writtenThenSnapshot(RotatingFile file, String text, long streamEnd) throws IOException {
        write(file, text, streamEnd);
        return file.snapshot().orElseThrow();
    }

    private static String read(LogFiles files, long from) throws IOException {
        return new String(files.read(from, Integer.MAX_VALUE - 8), US_ASCII);
    }

    private static String last(LogFiles files, long bytes, int lines) throws IOException {
        return read(files, files.startOfLast(bytes, lines));
    }

    @Test
    void theFileAndItsBackupsReadAsOneStreamOldestFirst() throws IOException {
        Path log = dir.resolve("out.log");
        try (RotatingFile file = new RotatingFile(log, 8, 3)) {
            try (LogFiles files = writtenThenSnapshot(file, "one\ntwo\nthree\nfour\nfive\n", 124)) { // 24 bytes: out.log.2, .1 and out.log
                assertEquals(24, files.size());
                assertEquals(124, files.streamEnd(), "where the caller's stream stood after the last write");
                assertEquals("one\ntwo\nthree\nfour\nfive\n", read(files, 0));
                assertEquals("o\nthree\nfo", new String(files.read(6, 10), US_ASCII), "across two files");
                assertEquals("four\nfive\n", last(files, -1, 2));
                assertEquals("five\n", last(files, 5, 2), "the lines within the last bytes");
                assertEquals("one\ntwo\nthree\nfour\nfive\n", last(files, -1, 100));
                assertEquals("", last(files, -1, 0));
                assertEquals("hree\nfour\nfive\n", last(files, 15, -1));
            }
        }
    }

    @Test
    void aSnapshotReadsWhatWasThereThoughTheFilesRotateAfterIt() throws IOException {
        Path log = dir.resolve("out.log");
        try (RotatingFile file = new RotatingFile(log, 4, 1)) {
            try (LogFiles files = writtenThenSnapshot(file, "abcdefg", 7)) {
                write(file, "hijklmnop", 16); // rotates twice: abcd is deleted, efgh moved to out.log.1
                assertEquals("abcdefg", read(files, 0));
                assertEquals(7, files.streamEnd());
            }
        }
    }

    @Test
    void aLastLineWithoutABreakCountsAndLongLinesSpanScanBlocks() throws IOException {
        Path log = dir.resolve("out.log");
        String longLine = "x".repeat(200_000);
        try (RotatingFile file = new RotatingFile(log, 0, 0)) {
            try (LogFiles files = writtenThenSnapshot(file, "first\n" + longLine + "\nlast", 1)) {
                assertEquals("last", last(files, -1, 1));
                assertEquals(longLine + "\nlast", last(files, -1, 2));
                assertEquals("first\n" + longLine + "\nlast", last(files, -1, 3));
            }
        }
    }

    @Test
    void aFileTruncatedAfterTheSnapshotEndsTheReadWhereItNowEnds() throws IOException {
        Path log = dir.resolve("out.log");
        try (RotatingFile file = new RotatingFile(log, 0, 0)) {
            try (LogFiles files = writtenThenSnapshot(file, "0123456789", 10)) {
                try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
                    channel.truncate(4); // logrotate's copytruncate
                }
                assertEquals("0123", read(files, 0));
                assertEquals("", read(files, 6));
            }
        }
    }

    @Test
    void nothingToReadBackFromALinkOrAMissingFile() throws IOException {
        Path target = dir.resolve("target.log");
        Files.writeString(target, "not ours\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.log"), target);
        try (RotatingFile linked = new RotatingFile(link, 10, 2); RotatingFile missing = new RotatingFile(dir.resolve("none"), 10, 2)) {
            assertEquals(Optional.empty(), linked.snapshot());
            assertEquals(Optional.empty(), missing.snapshot());
        }
        // A backup that is a link is skipped; the rest are read.
        Path log = dir.resolve("out.log");
        Files.writeString(log, "current\n");
        Files.createSymbolicLink(dir.resolve("out.log.1"), target);
        Files.writeString(dir.resolve("out.log.2"), "oldest\n");
        try (RotatingFile file = new RotatingFile(log, 100, 2); LogFiles files = file.snapshot().orElseThrow()) {
            assertEquals("oldest\ncurrent\n", read(files, 0));
            assertEquals(0, files.streamEnd(), "nothing written through it yet");
        }
    }

    @Test
    void aSinksFilesEndWhereItsRingHasGotTo() throws IOException {
        Path log = dir.resolve("out.log");
        Files.writeString(log, "from an earlier daemon\n");
        try (LogSink sink = LogSink.open(Optional.of(log), 0, 0)) {
            sink.beginRun().write(ByteBuffer.wrap("now\n".getBytes(US_ASCII)));
            try (LogFiles files = sink.files().orElseThrow()) {
                assertEquals("from an earlier daemon\nnow\n", read(files, 0));
                assertEquals(sink.ring().total(), files.streamEnd());
            }
        }
        // A log path changed in place: the new file's end is where the shared ring stands, before it is written.
        Path moved = dir.resolve("moved.log");
        Files.writeString(moved, "written there before\n");
        try (LogSink sink = LogSink.open(Optional.of(log), 0, 0)) {
            sink.beginRun().write(ByteBuffer.wrap("more\n".getBytes(US_ASCII)));
            LogSink movedSink = sink.movedTo(Optional.of(moved), 0, 0);
            try (LogFiles files = movedSink.files().orElseThrow()) {
                assertEquals("written there before\n", read(files, 0));
                assertEquals(5, files.streamEnd());
            }
            movedSink.close();
        }
        try (LogSink memoryOnly = LogSink.open(Optional.empty(), 0, 0)) {
            assertTrue(memoryOnly.files().isEmpty());
        }
    }

    @Test
    void rotationWithoutBackupsTruncatesInPlaceSoAnotherWriterOfThePathGoesOnInIt() throws IOException {
        Path log = dir.resolve("out.log");
        try (RotatingFile one = new RotatingFile(log, 10, 0); RotatingFile other = new RotatingFile(log, 10, 0)) {
            write(one, "AAAAAAAAA\n", 10);
            write(other, "b", 1); // the file is full: truncated, not replaced
            write(one, "CCCC\n", 15); // into the file the other truncated, whose real size counts, not the 10 counted
            write(other, "d", 2);
            assertEquals("bCCCC\nd", Files.readString(log), "nothing went into a file no longer at the path");
            try (LogFiles files = one.snapshot().orElseThrow()) {
                assertEquals(-1, files.offsetOf(5), "what the truncation dropped is not in the files");
            }
        }
    }

    @Test
    void theFilesSayFromWhereTheyHoldEveryByte() throws IOException {
        Path log = dir.resolve("sub/out.log");
        try (RotatingFile file = new RotatingFile(log, 0, 0)) {
            try (LogFiles files = writtenThenSnapshot(file, "0123456789", 10)) {
                assertEquals(0, files.offsetOf(0));
                assertEquals(7, files.offsetOf(7));
                assertEquals(-1, files.offsetOf(11), "not written yet");
            }
            file.reopen(); // a pipe ended: the next write opens the same file again, nothing is lost
            try (LogFiles files = writtenThenSnapshot(file, "ab", 12)) {
                assertEquals(0, files.offsetOf(0));
            }
            file.reopen(); // SIGHUP or SIGUSR2, with the file where it was: nothing is lost
            try (LogFiles files = writtenThenSnapshot(file, "cd", 14)) {
                assertEquals(0, files.offsetOf(0));
            }
            Files.move(log, dir.resolve("out.log-20261207")); // logrotate moved it aside
            file.reopen();
            try (LogFiles files = writtenThenSnapshot(file, "gh", 16)) {
                assertEquals(-1, files.offsetOf(13), "what went before is under another name");
                assertEquals(0, files.offsetOf(14));
            }
            // A write that fails leaves a hole: nothing before its end can be placed in the files.
            file.reopen();
            Files.delete(log);
            Files.delete(log.getParent());
            Files.writeString(log.getParent(), "not a directory");
            assertThrows(IOException.class, () -> write(file, "lost", 20));
            Files.delete(log.getParent());
            Files.createDirectories(log.getParent());
            try (LogFiles files = writtenThenSnapshot(file, "ef", 22)) {
                assertEquals(-1, files.offsetOf(16));
                assertEquals(0, files.offsetOf(20));
            }
        }
    }

    @Test
    void aFileEmptiedAfterTheSnapshotGivesNothingRatherThanFailing() throws IOException {
        Path log = dir.resolve("out.log");
        try (RotatingFile file = new RotatingFile(log, 0, 0); LogFiles files = writtenThenSnapshot(file, "a\nb\n", 4)) {
            try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
            assertEquals("", read(files, files.startOfLast(-1, 1)), "no exception, and nothing to send");
        }
    }

    @Test
    void aFileMovedAsideOrRemovedIsToldEvenBeforeTheNextWriteAndWhenItsInodeNumberComesBack() throws IOException {
        Path log = dir.resolve("out.log");
        // logrotate moves a quiet process's file aside and creates an empty one; the daemon gets SIGHUP.
        try (RotatingFile file = new RotatingFile(log, 100, 1)) {
            write(file, "x".repeat(150), 150); // out.log.1 holds 100, out.log 50
            Files.move(log, dir.resolve("out.log-20261207"));
            Files.createFile(log);
            file.reopen();
            try (LogFiles files = file.snapshot().orElseThrow()) {
                assertEquals(-1, files.offsetOf(140), "out.log.1 and the new out.log are not one stream");
            }
        }
        // Removed, and a new file at the path, which on ext4 reuses the freed inode number: the key alone would not tell.
        Path other = dir.resolve("other.log");
        try (RotatingFile file = new RotatingFile(other, 0, 0)) {
            write(file, "0123456789", 10);
            Files.delete(other);
            file.reopen(); // a pipe's end
            write(file, "ab", 12);
            try (LogFiles files = file.snapshot().orElseThrow()) {
                assertEquals(-1, files.offsetOf(5));
                assertEquals(0, files.offsetOf(10));
            }
        }
        // Moved aside with no signal at all, while still open here: the snapshot does not take the new file for it.
        Path third = dir.resolve("third.log");
        try (RotatingFile file = new RotatingFile(third, 0, 0)) {
            write(file, "0123456789", 10);
            Files.move(third, dir.resolve("third.log.old"));
            Files.writeString(third, "someone else's");
            try (LogFiles files = file.snapshot().orElseThrow()) {
                assertEquals(-1, files.offsetOf(0));
            }
        }
    }
}
