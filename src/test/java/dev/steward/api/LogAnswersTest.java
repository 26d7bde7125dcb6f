package dev.steward.api;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.control.LogTail;
import dev.steward.health.FakeControl;
import dev.steward.logs.LogSink;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Answers read from the log files, down to the byte, without a daemon: a sink, its files and a subscriber. */
class LogAnswersTest {

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();
    private final FakeControl control = new FakeControl(); // knows no process: a follower ends at its first poll
    private final LogAnswers answers = new LogAnswers(new LogFollower(control, vertx), control);

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static void lines(LogSink.Run run, int from, int to) {
        run.write(ByteBuffer.wrap(numbers(from, to).getBytes(US_ASCII)));
    }

    private static String text(AssertSubscriber<Buffer> subscriber) {
        StringBuilder all = new StringBuilder();
        subscriber.getItems().forEach(buffer -> all.append(buffer.toString(US_ASCII)));
        return all.toString();
    }

    @Test
    void whatTheMemoryLostWhileASlowClientReadTheFilesIsReadFromThemBeforeFollowing() {
        try (LogSink sink = LogSink.open(Optional.of(dir.resolve("out.log")), 0, 0)) {
            LogSink.Run run = sink.beginRun();
            lines(run, 1, 20000); // 108,894 bytes: the memory holds the last 64 KiB, the file all
            AssertSubscriber<Buffer> client = answers.answer(new LogAnswers.Request("p", false, -1, 15000, true),
                    new LogTail(sink)).subscribe().withSubscriber(AssertSubscriber.create(2));
            // The headers' empty chunk and the first 64 KiB of the files; the client takes no more for now.
            await().atMost(Duration.ofSeconds(20)).until(() -> client.getItems().size() == 2);
            lines(run, 20001, 40000); // 118,894 bytes more: the memory no longer holds where the files ended

            client.request(Long.MAX_VALUE);
            client.awaitCompletion(Duration.ofSeconds(20));
            assertEquals(numbers(5001, 40000), text(client), "nothing lost or repeated between the files and what followed");
        }
    }

    @Test
    void aClientSlowerThanTheWriterIsCaughtUpRoundAfterRound() {
        try (LogSink sink = LogSink.open(Optional.of(dir.resolve("out.log")), 0, 0)) {
            LogSink.Run run = sink.beginRun();
            lines(run, 1, 20000);
            AssertSubscriber<Buffer> client = answers.answer(new LogAnswers.Request("p", false, -1, 15000, true),
                    new LogTail(sink)).subscribe().withSubscriber(AssertSubscriber.create(2));
            int written = 20000;
            // Each time the client takes a chunk, the writer has moved on by more than the memory holds.
            for (int round = 0; round < 5; round++) {
                int items = 2 + round;
                await().atMost(Duration.ofSeconds(20)).until(() -> client.getItems().size() == items);
                lines(run, written + 1, written + 20000);
                written += 20000;
                client.request(1);
            }
            client.request(Long.MAX_VALUE);
            client.awaitCompletion(Duration.ofSeconds(20));
            assertEquals(numbers(5001, written), text(client), "nothing lost or repeated, over five catch-ups");
        }
    }

    @Test
    void filesThatLackWhatTheMemoryHoldsAreNotUsed() throws IOException {
        Path old = Files.writeString(dir.resolve("old.log"), "written there before\n".repeat(1000));
        try (LogSink sink = LogSink.open(Optional.of(dir.resolve("first.log")), 0, 0)) {
            lines(sink.beginRun(), 1, 100);
            // The log path changed in place to a file with output of its own: the memory's 100 lines are not in it.
            try (LogSink moved = sink.movedTo(Optional.of(old), 0, 0)) {
                lines(moved.beginRun(), 101, 110);
                AssertSubscriber<Buffer> client = answers.answer(new LogAnswers.Request("p", false, -1, 1000, false),
                        new LogTail(moved)).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
                client.awaitCompletion(Duration.ofSeconds(20));
                assertEquals(numbers(1, 110), text(client));
            }
        }
    }

    @Test
    void moreLinesThanTheMemoryHoldsAreTheLinesItHoldsWholeWhenNoFileHasMore() {
        // No file (file: NONE, or rotated away): --tail 100000 gets what the memory holds, from its first whole line
        try (LogSink sink = LogSink.open(Optional.empty(), 0, 0)) {
            lines(sink.beginRun(), 1, 30000); // 168,894 bytes: the memory holds the last 64 KiB, from inside a line
            AssertSubscriber<Buffer> client = answers.answer(new LogAnswers.Request("p", false, -1, 100000, false),
                    new LogTail(sink)).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
            client.awaitCompletion(Duration.ofSeconds(20));
            String answer = text(client);
            int first = Integer.parseInt(answer.substring(0, answer.indexOf('\n')));
            assertEquals(numbers(first, 30000), answer, "whole lines only");
            assertEquals(true, answer.length() > 60000, answer.length() + " bytes");
        }
    }

    @Test
    void aMemoryThatHoldsWholeLinesFromItsFirstByteGivesThemAllToATailLongerThanThey() {
        // 16-byte lines, 4096 of them fill the 64 KiB exactly: the oldest byte held begins a line, which was dropped too.
        try (LogSink sink = LogSink.open(Optional.empty(), 0, 0)) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                all.append(String.format("line-%010d", i)).append('\n');
            }
            sink.beginRun().write(ByteBuffer.wrap(all.toString().getBytes(US_ASCII)));
            AssertSubscriber<Buffer> client = answers.answer(new LogAnswers.Request("p", false, -1, 100000, false),
                    new LogTail(sink)).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
            client.awaitCompletion(Duration.ofSeconds(20));
            String answer = text(client);
            assertEquals(4096, answer.lines().count(), answer.substring(0, 40));
            assertTrue(answer.startsWith("line-0000000904\n"), answer.substring(0, 40));
        }
    }

    private static String numbers(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i <= to; i++) {
            text.append(i).append('\n');
        }
        return text.toString();
    }
}
