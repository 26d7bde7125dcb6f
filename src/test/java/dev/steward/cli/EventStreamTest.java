package dev.steward.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.cli.FakeDaemon.Answer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStreamTest {
    @TempDir
    Path dir;
    private FakeDaemon daemon;

    @AfterEach
    void stopDaemon() throws IOException {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** A stream of 100 events (ids 0 to 99) read 10 ahead, once its reader has read that far and nobody took one yet. */
    private EventStream tenReadAheadOfAHundred() throws Exception {
        String[] chunks = new String[100];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = "data: {\"id\": " + i + "}\n\n";
        }
        daemon = FakeDaemon.unix(dir.resolve("steward.sock"));
        daemon.on("GET", "/events/stream", Answer.chunked("text/event-stream", chunks));
        EventStream stream = EventStream.open(Api.of(daemon.address, Map.of(), dir), 10);
        // the reader stops at its bound instead of holding all 100
        await().atMost(30, SECONDS).until(stream::readAheadFull);
        return stream;
    }

    private static void assertAllInOrder(List<Long> ids) {
        assertEquals(100, ids.size(), ids::toString);
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(i, ids.get(i));
        }
    }

    @Test
    void readsAheadOfASlowOutputOnlyAsFarAsItsBoundAndLosesNothing() throws Exception {
        try (EventStream stream = tenReadAheadOfAHundred()) {
            List<Long> ids = new ArrayList<>();
            CliException end = assertThrows(CliException.class, () -> stream.forEach(e -> ids.add(Json.num(e, "id", -1))));
            assertEquals(StewardCli.EXIT_UNREACHABLE, end.exitCode());
            assertAllInOrder(ids);
        }
    }

    @Test
    void whatWasReadAheadIsHandedOverAsOneBurstAndInOrder() throws Exception {
        try (EventStream stream = tenReadAheadOfAHundred()) {
            List<Integer> bursts = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            CliException end = assertThrows(CliException.class, () -> stream.forEachBurst(burst -> {
                bursts.add(burst.size());
                burst.forEach(e -> ids.add(Json.num(e, "id", -1)));
            }));
            assertEquals(StewardCli.EXIT_UNREACHABLE, end.exitCode());
            assertTrue(bursts.get(0) >= 10, "the 10 read ahead, at once: " + bursts);
            assertAllInOrder(ids);
        }
    }
}
