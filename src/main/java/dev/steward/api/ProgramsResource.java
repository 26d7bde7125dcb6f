package dev.steward.api;

import dev.steward.config.StewardConfig;
import dev.steward.control.Control;
import dev.steward.control.DaemonUnavailableException;
import dev.steward.control.LabelSelector;
import dev.steward.control.ProgramView;
import dev.steward.events.Event;
import dev.steward.manifest.ManifestError;
import dev.steward.manifest.ManifestWriter;
import dev.steward.manifest.ManifestWriter.Action;
import dev.steward.manifest.ManifestWriter.Change;
import dev.steward.manifest.ManifestWriter.Submitted;
import dev.steward.manifest.ProgramSpec;
import dev.steward.manifest.Utf8Text;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Programs: read from the supervisor, changed only by writing the manifest directory (the watcher
 * reconciles), so the files stay the single source of truth. File work blocks, so these methods run
 * on worker threads (the default for non-reactive return types).
 */
@jakarta.ws.rs.Path("/api/v1/programs")
@Singleton // one ManifestWriter, whose lock serializes every edit of the directory
@Produces(MediaType.APPLICATION_JSON)
public class ProgramsResource {

    /** A manifest is a few KiB; this matches the watcher's limit for files (bytes, as the watcher counts them). */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    /** What clients percent-encode in a quoted file name: quote, backslash, CR, LF, and {@code %} itself. */
    private static final Pattern ENCODED_IN_FILE_NAME = Pattern.compile("%(22|5[cC]|0[dD]|0[aA]|25)");

    private final Control control;
    private final ManifestWriter writer;

    public ProgramsResource(Control control, StewardConfig config) {
        this.control = control;
        this.writer = new ManifestWriter(config.manifests().toAbsolutePath());
    }

    @GET
    @Operation(summary = "List programs, optionally only those whose labels match a selector")
    public Items<ProgramDto> list(@QueryParam("selector") String selector) {
        Optional<LabelSelector> filter = Params.selector(selector);
        Instant now = Instant.now();
        List<ManifestError> errors = control.manifestErrors();
        return new Items<>(control.programs().stream()
                .filter(p -> filter.map(f -> f.matches(p.spec().labels())).orElse(true))
                .map(p -> ProgramDto.of(p, errors, now, ZoneId.systemDefault())).toList());
    }

    @GET
    @jakarta.ws.rs.Path("{name}")
    @Operation(summary = "One program with its spec in force, its manifest and its processes; reread=true reads the"
            + " manifest directory first, so that a file written just before is in force")
    public ProgramDto get(@PathParam("name") String name, @QueryParam("reread") String reread, @Context UriInfo uri) {
        if (Params.flag("reread", reread, uri)) {
            control.reread();
        }
        return ProgramDto.of(program(name), control.manifestErrors(), Instant.now(), ZoneId.systemDefault());
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Apply manifests (YAML or JSON, one or several documents) by writing the manifest files")
    public Items<ApplyResultDto> apply(byte[] body, @QueryParam("dryRun") String dryRunParam, @Context UriInfo uri,
                                       @Context HttpHeaders headers) {
        requireLoaded();
        boolean dryRun = Params.flag("dryRun", dryRunParam, uri);
        if (body != null && body.length > MAX_BODY_BYTES) {
            throw ApiException.badRequest("the manifest is larger than 1 MiB; a manifest should be a few KiB,"
                    + " send the programs in several requests");
        }
        String declared = headers.getMediaType() == null ? null : headers.getMediaType().getParameters().get("charset");
        String text = utf8(body == null ? new byte[0] : body, "the manifest" + (declared == null
                || declared.equalsIgnoreCase("utf-8") ? "" : " (sent as " + declared + "; manifests are read as UTF-8, as files are)"));
        return apply(List.of(new Submitted(ManifestWriter.REQUEST, text)), dryRun, " (line and column are in the request body)");
    }

    /**
     * Several manifest files in one request, one file part each ({@code curl -F file=@web.yaml -F file=@db.yaml}):
     * applied all or nothing, checked together (a program defined twice, two programs' processes sharing a name),
     * and every error names its part's file name.
     */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Apply several manifest files at once, all or nothing: one multipart/form-data file part each")
    public Items<ApplyResultDto> applyFiles(@RestForm(FileUpload.ALL) List<FileUpload> files,
                                            @QueryParam("dryRun") String dryRunParam, @Context UriInfo uri) {
        requireLoaded();
        boolean dryRun = Params.flag("dryRun", dryRunParam, uri);
        if (files.isEmpty()) {
            throw ApiException.badRequest("the request has no file part; send each manifest as a file part,"
                    + " e.g. curl -F file=@web.yaml -F file=@db.yaml (with the @)");
        }
        List<Submitted> manifests = new ArrayList<>();
        for (FileUpload file : files) {
            Path label = label(file, manifests.size() + 1);
            manifests.add(new Submitted(label, text(file, label)));
        }
        return apply(manifests, dryRun, "");
    }

    private Items<ApplyResultDto> apply(List<Submitted> manifests, boolean dryRun, String whereLinesAre) {
        List<ProgramView> programs = control.programs();
        ManifestWriter.Outcome outcome = writer.apply(manifests, sources(programs), inForce(programs), dryRun);
        if (!outcome.valid()) {
            throw ApiException.invalid((manifests.size() > 1 ? "the manifests are" : "the manifest is") + " invalid"
                    + (dryRun ? "" : ", nothing was written") + "; fix the errors listed" + whereLinesAre
                    + (dryRun ? " and try again" : " and apply again"), outcome.errors());
        }
        List<ApplyResultDto> results = results(outcome.changes(), byName(programs), dryRun);
        if (!dryRun) {
            control.recordOperatorActions(outcome.changes().stream().filter(change -> change.action() != Action.UNCHANGED)
                    .map(change -> action(change, "Applied", change.action().label() + " by apply in "
                            + change.file().getFileName())).toList());
        }
        return new Items<>(results);
    }

    /**
     * The result of each change, made when the answer is written, one at a time: an apply of 28,500 programs held some
     * 8 MiB of results at once before the first was sent.
     */
    private List<ApplyResultDto> results(List<Change> changes, Map<String, ProgramView> byName, boolean dryRun) {
        return new AbstractList<>() {
            @Override
            public ApplyResultDto get(int index) {
                Change change = changes.get(index);
                return result(change, Optional.ofNullable(byName.get(change.program())), dryRun);
            }

            @Override
            public int size() {
                return changes.size();
            }
        };
    }

    /** The part's file name as the client gave it (errors name it), or {@code <part 2>} without a usable one. */
    private static Path label(FileUpload file, int number) {
        String name = fileName(file.fileName());
        if (name != null && !name.isBlank()) {
            try {
                return Path.of(name);
            } catch (InvalidPathException unusable) {
                // e.g. a NUL character: fall through to the part's number
            }
        }
        return Path.of("<part " + number + ">");
    }

    /**
     * A part's file name with the characters that cannot stand in a quoted header parameter decoded: clients
     * percent-encode them (RFC 7578; curl writes {@code %22} for a quote, steward also {@code %5C} and {@code %25}).
     */
    public static String fileName(String sent) {
        return sent == null ? null : ENCODED_IN_FILE_NAME.matcher(sent)
                .replaceAll(code -> Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(code.group(1), 16))));
    }

    private static String text(FileUpload file, Path label) {
        try {
            if (Files.size(file.uploadedFile()) > MAX_BODY_BYTES) {
                throw ApiException.badRequest(label + " is larger than 1 MiB; a manifest should be a few KiB,"
                        + " split it into several files");
            }
            return utf8(Files.readAllBytes(file.uploadedFile()), label.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded part " + label, e);
        }
    }

    /** The text of a manifest, which must be UTF-8 as the watcher requires of files: no replacement characters. */
    private static String utf8(byte[] bytes, String what) {
        try {
            return Utf8Text.decode(bytes);
        } catch (Utf8Text.NotUtf8 e) {
            throw ApiException.badRequest(what + " " + e.messageWithPosition() + ", and apply again");
        }
    }

    @DELETE
    @jakarta.ws.rs.Path("{name}")
    @Operation(summary = "Delete a program by removing its document (or file) from the manifest directory")
    public ApplyResultDto delete(@PathParam("name") String name, @QueryParam("dryRun") String dryRunParam,
                                 @Context UriInfo uri) {
        requireLoaded();
        boolean dryRun = Params.flag("dryRun", dryRunParam, uri);
        List<ProgramView> programs = control.programs();
        Change change = writer.delete(name, sources(programs), dryRun);
        if (!dryRun) {
            control.recordOperatorActions(List.of(action(change, "Deleted", "deleted through the API from "
                    + change.file().getFileName())));
        }
        return result(change, Optional.ofNullable(byName(programs).get(name)), dryRun);
    }

    @POST
    @jakarta.ws.rs.Path("{name}/scale")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Set spec.replicas in the program's manifest file")
    public ApplyResultDto scale(@PathParam("name") String name, @QueryParam("replicas") String replicasParam,
                                @QueryParam("dryRun") String dryRunParam, @Context UriInfo uri) {
        int replicas = Params.integer("replicas", replicasParam, 0, ProgramSpec.MAX_REPLICAS).orElseThrow(() ->
                ApiException.badRequest("replicas is required, e.g. POST /api/v1/programs/" + name + "/scale?replicas=3"));
        requireLoaded();
        boolean dryRun = Params.flag("dryRun", dryRunParam, uri);
        List<ProgramView> programs = control.programs();
        Change change = writer.scale(name, replicas, sources(programs), inForce(programs), dryRun);
        if (!dryRun && change.action() != Action.UNCHANGED) {
            control.recordOperatorActions(List.of(action(change, "Scaled", "scaled " + change.before().orElseThrow().replicas()
                    + " -> " + replicas + " through the API")));
        }
        return result(change, Optional.ofNullable(byName(programs).get(name)), dryRun);
    }

    private ProgramView program(String name) {
        return control.program(name).orElseThrow(() -> ApiException.notFound("no program named \"" + name
                + "\"; run `steward get programs` to list them"));
    }

    /**
     * Edits wait for the daemon's first reading of the manifest directory: before it, no program is known, so
     * an apply would write a second file for a program that another file defines.
     */
    private void requireLoaded() {
        if (!control.manifestsLoaded()) {
            throw new DaemonUnavailableException("the daemon is still reading the manifest directory; try again in a moment");
        }
    }

    /**
     * The file each program in force comes from: where the writer edits it. Of the same {@code programs} as
     * {@link #inForce}, so that a scan published between two reads cannot make them disagree.
     */
    private static Map<String, Path> sources(List<ProgramView> programs) {
        Map<String, Path> sources = new LinkedHashMap<>();
        programs.forEach(p -> sources.put(p.name(), p.source()));
        return sources;
    }

    /** The specs in force, by name: changes must keep process names unique across them. */
    private static Map<String, ProgramSpec> inForce(List<ProgramView> programs) {
        Map<String, ProgramSpec> specs = new LinkedHashMap<>();
        programs.forEach(p -> specs.put(p.name(), p.spec()));
        return specs;
    }

    /** The programs in force when the request came, before a file was written, by name. */
    private static Map<String, ProgramView> byName(List<ProgramView> programs) {
        Map<String, ProgramView> byName = new HashMap<>();
        programs.forEach(p -> byName.put(p.name(), p));
        return byName;
    }

    /**
     * @param inForce the program as it was in force before the write: what the daemon compares the file written with (read
     *                after it, it may already be the new version)
     */
    private ApplyResultDto result(Change change, Optional<ProgramView> inForce, boolean dryRun) {
        ApplyResultDto result = ApplyResults.of(change, inForce, dryRun);
        if (!dryRun && control.shuttingDown() && !change.action().equals(Action.UNCHANGED)) {
            // Written, as the desired state the next start reads; this daemon reads no manifest any more.
            return new ApplyResultDto(result.program(), result.action(), result.file(), false,
                    "written; the daemon is shutting down, so it takes effect when the daemon starts again", false);
        }
        return result;
    }

    private static Event.OperatorAction action(Change change, String reason, String message) {
        return new Event.OperatorAction("program/" + change.program(), reason, message);
    }
}
