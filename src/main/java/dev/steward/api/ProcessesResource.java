package dev.steward.api;

import dev.steward.control.Control;
import dev.steward.control.LabelSelector;
import dev.steward.control.LogTail;
import dev.steward.control.ProcessInfo;
import dev.steward.control.SupervisorNames;
import dev.steward.health.GroupUsage;
import dev.steward.logs.LogSink;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Processes and their logs, read from the supervisor's snapshot. */
@Path("/api/v1/processes")
@Produces(MediaType.APPLICATION_JSON)
public class ProcessesResource {

    /** How many of the first bytes of the previous run's output later output has written over. */
    static final String LOST_BYTES = "Steward-Lost-Bytes";

    private final Control control;
    private final LogAnswers answers;

    public ProcessesResource(Control control, LogAnswers answers) {
        this.control = control;
        this.answers = answers;
    }

    @GET
    @Operation(summary = "List processes, optionally of one program or of programs matching a label selector;"
            + " usage=true adds what each running process's group uses (CPU, memory)")
    public Items<ProcessDto> list(@QueryParam("selector") String selector, @QueryParam("program") String program,
                                  @QueryParam("usage") String usage, @Context UriInfo uri) {
        Optional<LabelSelector> filter = Params.selector(selector);
        boolean withUsage = Params.flag("usage", usage, uri);
        if (program != null && !program.isBlank() && control.program(program).isEmpty()) {
            throw ApiException.notFound("no program named \"" + program + "\"; run `steward get programs` to list them");
        }
        Instant now = Instant.now();
        List<ProcessDto> processes = control.processes().stream()
                .filter(p -> program == null || program.isBlank() || p.program().equals(program))
                .filter(p -> filter.map(f -> f.matches(p.labels())).orElse(true))
                .map(p -> ProcessDto.of(p, now, ZoneId.systemDefault())).toList();
        return new Items<>(withUsage ? withUsage(processes) : processes);
    }

    /** The processes, each running one with what its process group uses: one pass over /proc for them all. */
    private static List<ProcessDto> withUsage(List<ProcessDto> processes) {
        long start = System.nanoTime();
        Instant startedAt = Instant.now();
        Map<Integer, GroupUsage> groups;
        try {
            groups = GroupUsage.scan(java.nio.file.Path.of("/proc"));
        } catch (IOException e) {
            throw ApiException.unavailable("cannot read what processes use: listing /proc failed (" + e + "); usage=true"
                    + " needs Linux's /proc mounted and readable by the daemon's user");
        }
        Instant sampledAt = startedAt.plusNanos((System.nanoTime() - start) / 2); // the middle of the reading
        List<ProcessDto> used = new ArrayList<>(processes.size());
        for (ProcessDto process : processes) {
            GroupUsage group = process.pid() == null ? null : groups.get(process.pid());
            used.add(group == null ? process : process.withUsage(new ProcessDto.UsageDto(group.cpuSeconds(),
                    group.memoryBytes(), group.processes(), sampledAt)));
        }
        return used;
    }

    @GET
    @Path("{name}")
    @Operation(summary = "One process")
    public ProcessDto get(@PathParam("name") String name) {
        return ProcessDto.of(process(name), Instant.now(), ZoneId.systemDefault());
    }

    /**
     * The end of a stream's log, from the memory when it holds all that was asked, else from the log files; with
     * {@code follow=true} the chunked response stays open and carries new output as it is written.
     */
    @GET
    @Path("{name}/logs")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "The last lines or bytes of a process's stdout or stderr; follow=true streams new output;"
            + " previous=true gives what the run before the latest one wrote")
    public Multi<Buffer> logs(@PathParam("name") String name, @QueryParam("stream") String stream,
                              @QueryParam("tail") String tail, @QueryParam("bytes") String bytes,
                              @QueryParam("follow") String follow, @QueryParam("previous") String previous,
                              @Context UriInfo uri, @Context HttpServerResponse response) {
        boolean stderr = stderr(stream);
        int lines = Params.integer("tail", tail, -1, Integer.MAX_VALUE).orElse(-1);
        long maxBytes = Params.wholeNumber("bytes", bytes, 0, Long.MAX_VALUE).orElse(-1L); // log files may hold more than 2 GiB
        boolean following = Params.flag("follow", follow, uri);
        boolean previousRun = Params.flag("previous", previous, uri);
        if (following && previousRun) {
            throw ApiException.badRequest("previous=true shows a run that has ended, which cannot be followed; drop"
                    + " follow=true, or previous=true to follow the current run");
        }
        ProcessInfo process = process(name);
        Optional<LogTail> sink = control.logs(name, stderr);
        if (sink.isEmpty() && !previousRun) {
            // Not started by this daemon (stopped by hand before it started, say): what earlier runs left in its files.
            Optional<String> file = stderr ? process.stderrLog() : process.stdoutLog();
            if (file.isPresent() && LogAnswers.hasFile(file.get())) {
                return answers.fromFilesAlone(new LogAnswers.Request(name, stderr, maxBytes, lines, following), file.get(),
                        backups(process, stderr));
            }
        }
        LogTail logs = sink.orElseThrow(() -> ApiException.notFound(noOutput(process, name, stderr)));
        if (previousRun) {
            LogSink.RunOutput run = logs.previousRun().orElseThrow(() -> ApiException.notFound(noPreviousRun(process)));
            if (run.lostBytes() > 0) {
                response.putHeader(LOST_BYTES, Long.toString(run.lostBytes()));
            }
            byte[] text = LogText.lastLines(LogText.lastBytes(run.bytes(), maxBytes), lines);
            return text.length == 0 ? Multi.createFrom().empty() : Multi.createFrom().item(Buffer.buffer(text));
        }
        return answers.answer(new LogAnswers.Request(name, stderr, maxBytes, lines, following), logs);
    }

    /** How many rotated files the stream keeps, by its program's spec. */
    private int backups(ProcessInfo process, boolean stderr) {
        return control.program(process.program())
                .map(p -> (stderr ? p.spec().logs().stderr() : p.spec().logs().stdout()).backups()).orElse(0);
    }

    /** Why a process has no previous run to show, and where its output is. */
    private static String noPreviousRun(ProcessInfo process) {
        String name = process.name();
        return "process " + name + " has no previous run: it has not run again since this daemon first started it"
                + " (a crash, a restart, or a stop and a start, begin a new run); `steward logs " + name + "` shows "
                + (process.pid() > 0 ? "the current run" : "that run, which has ended")
                + ", and its log file has what earlier runs and daemons wrote (`steward describe process " + name
                + "` names it)";
    }

    /** Why a process has no log of that stream, and what to do. */
    private String noOutput(ProcessInfo process, String name, boolean stderr) {
        if (stderr && control.program(process.program()).map(p -> p.spec().logs().redirectStderr()).orElse(false)) {
            return "process " + name + " has no stderr log: its program redirects stderr into stdout; its output is all"
                    + " on stdout: `steward logs " + name + "` (stream=stdout over the API)";
        }
        if (process.spawnError().isPresent()) {
            return "process " + name + " has no output: it could not be started (" + process.state() + ", "
                    + process.spawnError().get() + ")";
        }
        return "process " + name + " has no output yet: it has not been started; start it with `steward start "
                + process.name() + "`";
    }

    private ProcessInfo process(String name) {
        return control.process(name).orElseThrow(() -> ApiException.notFound("no process named \"" + name + "\""
                + SupervisorNames.replica(name).filter(replica -> control.process(replica).isPresent())
                        .map(SupervisorNames::didYouMean).orElse("; run `steward get processes` to list them")));
    }

    private static boolean stderr(String stream) {
        if (stream == null || stream.isBlank() || stream.equals("stdout")) {
            return false;
        }
        if (stream.equals("stderr")) {
            return true;
        }
        throw ApiException.badRequest("stream must be stdout or stderr (got \"" + stream + "\")");
    }
}
