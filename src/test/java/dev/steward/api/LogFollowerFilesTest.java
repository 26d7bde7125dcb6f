package dev.steward.api;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.control.LogTail;
import dev.steward.health.FakeControl;
import dev.steward.logs.LogSink;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A follower that a burst of output outran between two polls: what the ring lost comes from the log files. */
class LogFollowerFilesTest {

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aBurstLargerThanTheRingBetweenTwoPollsIsFollowedWholeFromTheFiles() {
        try (LogSink sink = LogSink.open(Optional.of(dir.resolve("out.log")), 0, 0)) {
            LogSink.Run run = sink.beginRun();
            run.write(ByteBuffer.wrap("before\n".getBytes(US_ASCII)));
            AssertSubscriber<Buffer> client = followFromNow(sink);
            String burst = numbers(1, 30000); // 168,894 bytes in one write, before the first poll: the ring keeps 64 KiB
            run.write(ByteBuffer.wrap(burst.getBytes(US_ASCII)));
            await().atMost(Duration.ofSeconds(20)).until(() -> text(client).endsWith("30000\n"));
            client.cancel();
            assertEquals(burst, text(client), "the burst's start, which the ring wrote over, comes from the file");
        }
    }

    @Test
    void aBurstTheFilesDoNotHoldEitherIsFollowedFromTheFirstWholeLineTheRingHolds() {
        // No file (or one rotated away): the ring's oldest byte is inside a line, which must not pass for a line ("7")
        try (LogSink sink = LogSink.open(Optional.empty(), 0, 0)) {
            LogSink.Run run = sink.beginRun();
            AssertSubscriber<Buffer> client = followFromNow(sink);
            run.write(ByteBuffer.wrap(numbers(1, 30000).getBytes(US_ASCII)));
            await().atMost(Duration.ofSeconds(20)).until(() -> text(client).endsWith("30000\n"));
            client.cancel();
            String followed = text(client);
            int first = Integer.parseInt(followed.substring(0, followed.indexOf('\n')));
            assertEquals(numbers(first, 30000), followed, "whole lines, from the first the ring holds whole");
            assertEquals(true, followed.length() > 60000, "all the ring holds but the piece of a line: " + followed.length());
        }
    }

    @Test
    void aLineSentInPartBeforeASkipIsEndedThereNotRunOnIntoTheNextLine() {
        // A fast writer whose files rotated the burst away: the line under way when the burst began lost its end
        try (LogSink sink = LogSink.open(Optional.empty(), 0, 0)) {
            LogSink.Run run = sink.beginRun();
            AssertSubscriber<Buffer> client = followFromNow(sink);
            run.write(ByteBuffer.wrap("SEQ 1 the start of a line".getBytes(US_ASCII)));
            await().atMost(Duration.ofSeconds(20)).until(() -> text(client).equals("SEQ 1 the start of a line"));
            run.write(ByteBuffer.wrap((" and its end\n" + numbers(2, 30000)).getBytes(US_ASCII)));
            await().atMost(Duration.ofSeconds(20)).until(() -> text(client).endsWith("30000\n"));
            client.cancel();
            String followed = text(client);
            String first = "SEQ 1 the start of a line\n";
            assertEquals(first, followed.substring(0, first.length()), "the cut line ends where its end was skipped");
            int next = Integer.parseInt(followed.substring(first.length(), followed.indexOf('\n', first.length())));
            assertEquals(first + numbers(next, 30000), followed, "then whole lines, from the first the ring holds whole");
        }
    }

    @Test
    void anAnswerThatEndedInsideALineHasItEndedWhenWhatFollowsIsSkipped() {
        try (LogSink sink = LogSink.open(Optional.empty(), 0, 0)) {
            LogSink.Run run = sink.beginRun();
            run.write(ByteBuffer.wrap("1\n2\nthe start of a line".getBytes(US_ASCII)));
            FakeControl control = knowing(sink);
            AssertSubscriber<Buffer> client = new LogAnswers(new LogFollower(control, vertx), control)
                    .answer(new LogAnswers.Request("p", false, -1, -1, true), new LogTail(sink))
                    .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
            String answer = "1\n2\nthe start of a line";
            await().atMost(Duration.ofSeconds(20)).until(() -> text(client).equals(answer));
            run.write(ByteBuffer.wrap((" and its end\n" + numbers(4, 30000)).getBytes(US_ASCII)));
            await().atMost(Duration.ofSeconds(20)).until(() -> text(client).endsWith("30000\n"));
            client.cancel();
            String followed = text(client).substring(answer.length());
            assertEquals('\n', followed.charAt(0), "the answer's last line ends where its end was skipped");
            int next = Integer.parseInt(followed.substring(1, followed.indexOf('\n', 1)));
            assertEquals("\n" + numbers(next, 30000), followed, "then whole lines, from the first the ring holds whole");
        }
    }

    /** A client following process p's stdout, held by {@code sink}, from what it writes next. */
    private AssertSubscriber<Buffer> followFromNow(LogSink sink) {
        return new LogFollower(knowing(sink), vertx).follow("p", false, sink.ring(), sink.ring().total(), false)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
    }

    /** A daemon whose one process, p, writes its stdout to {@code sink}. */
    private static FakeControl knowing(LogSink sink) {
        LogTail tail = new LogTail(sink);
        return new FakeControl() {
            @Override
            public Optional<LogTail> logs(String process, boolean stderr) {
                return Optional.of(tail);
            }
        };
    }

    private static String text(AssertSubscriber<Buffer> subscriber) {
        StringBuilder all = new StringBuilder();
        subscriber.getItems().forEach(buffer -> all.append(buffer.toString(US_ASCII)));
        return all.toString();
    }

    private static String numbers(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i <= to; i++) {
            text.append(i).append('\n');
        }
        return text.toString();
    }
}
