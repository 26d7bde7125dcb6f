package dev.steward.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The client's standard output is buffered, and standard error never overtakes what was printed before it. */
class StandardStreamsTest {
    @Test
    void outputIsHeldUntilFlushed() {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream out = StewardCli.Io.bufferedOut(stdout);
        out.println("p001: stopped");
        out.println("p002: stopped");
        assertEquals("", stdout.toString(StandardCharsets.UTF_8), "one write(2) for the whole answer, not one per line");
        out.flush();
        assertEquals("p001: stopped\np002: stopped\n", stdout.toString(StandardCharsets.UTF_8));
    }

    @Test
    void errorLinesKeepTheirPlaceAmongOutputLines() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream(); // both streams on one terminal, or 2>&1
        PrintStream out = StewardCli.Io.bufferedOut(terminal);
        PrintStream err = StewardCli.Io.errAfter(out, terminal);
        out.println("web-0: stopped");
        err.println("error: no such process nope");
        out.println("web-1: stopped");
        out.flush();
        assertEquals("web-0: stopped\nerror: no such process nope\nweb-1: stopped\n", terminal.toString(StandardCharsets.UTF_8));
    }
}
