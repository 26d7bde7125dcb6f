package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code steward rollout status|restart program NAME}, kubectl's: wait for the rolling restart an edit started to
 * finish, or start one.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Wait for a program's rolling restart to finish, or restart it one process at a time.",
                "status: waits until every process of the program runs its manifest as it is now and is up (the next"
                        + " process of a rollout restarts once the one before is RUNNING); exit 1 when a process ends FATAL,"
                        + " or EXITED unexpectedly under restartPolicy Never, or the timeout passes.",
                "restart: restarts the processes one at a time, as steward restart does."},
        footer = {"", "Examples:", "  steward apply -f web.yaml && steward rollout status program/web",
                "  steward rollout restart program web --timeout 120"})
final class RolloutCommand extends StewardCli.Verb {
    @Parameters(index = "0", paramLabel = "ACTION", description = "status or restart.")
    String action;

    @Parameters(index = "1..*", arity = "1..2", paramLabel = "program NAME", description = "program NAME, or program/NAME.")
    List<String> words = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait (default ${DEFAULT-VALUE}; fractions allowed).")
    double timeout = 300;

    /** How often status asks again; a rollout step takes a spawn and a process's startSeconds. */
    private static final long POLL_MILLIS = 100;

    @Override
    public Integer call() throws InterruptedException {
        String verb = "rollout " + action;
        switch (action) {
            case "status":
            case "restart":
                break;
            case "history":
            case "undo":
                throw usage("Steward keeps no revisions: the manifest files are the desired state. Restore the file"
                        + " (from version control, say) or apply the old manifest, and the daemon rolls back to it");
            case "pause":
            case "resume":
                throw usage("a rollout cannot be paused; it stops by itself at a process that does not come up"
                        + " (steward rollout status says which)");
            default:
                throw usage("unknown rollout action \"" + action + "\": use status or restart");
        }
        List<String> names = DeleteCommand.programNames(words, verb);
        if (names.size() != 1) {
            throw usage("one program: steward " + verb + " program NAME");
        }
        ActionCommands.checkTimeout(timeout);
        return action.equals("status") ? status(names.get(0)) : restart(names.get(0));
    }

    private int restart(String name) {
        Object answer;
        try {
            // GROUP:* names the program's processes only: a process named NAME, or all, is not meant
            answer = api().post("/actions/restart?target=" + Api.enc(name + ":*") + "&timeout=" + ActionCommands.seconds(timeout),
                    null, null);
        } catch (ApiException e) {
            if (e.status() == 504) {
                printFailures(e.body());
            }
            if (e.status() == 404 && api().getIfFound("/programs/" + Api.enc(name)).isEmpty()) {
                // the daemon's answer names the target, NAME:*, which the user did not write
                throw new CliException(StewardCli.EXIT_FAILED, "no program named \"" + name + "\"; run `steward get programs`"
                        + " to list them");
            }
            throw e;
        }
        if (printFailures(answer)) {
            out().println("program/" + name + " restarted");
            return StewardCli.EXIT_OK;
        }
        return StewardCli.EXIT_FAILED;
    }

    /** Prints the processes that did not get there; true when there are none. */
    private boolean printFailures(Object answer) {
        boolean ok = !Boolean.FALSE.equals(Json.obj(answer).get("ok"));
        for (Object item : Json.list(Json.obj(answer).get("items"))) {
            if (!Json.bool(item, "ok")) {
                out().println(ActionCommands.Action.resultLine(item));
                ok = false;
            }
        }
        return ok;
    }

    private int status(String name) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeout * 1e9);
        // The first read has the daemon read its manifest directory, so a file applied just before is in force.
        Object program = api().get("/programs/" + Api.enc(name) + "?reread=true");
        String said = null;
        while (true) {
            Progress progress = Progress.of(name, program);
            if (progress.failure() != null) {
                throw new CliException(StewardCli.EXIT_FAILED, progress.failure());
            }
            if (progress.waiting() == null) {
                out().println("program \"" + name + "\" successfully rolled out");
                return StewardCli.EXIT_OK;
            }
            if (!progress.waiting().equals(said)) {
                said = progress.waiting();
                out().println("Waiting for program \"" + name + "\" rollout to finish: " + said + "...");
                out().flush();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new CliException(StewardCli.EXIT_FAILED, "timed out after " + ActionCommands.seconds(timeout)
                        + " s waiting for program \"" + name + "\" to roll out (" + said + "); `steward get processes "
                        + name + "` shows where each process is, or wait longer with --timeout");
            }
            Thread.sleep(POLL_MILLIS);
            program = api().get("/programs/" + Api.enc(name));
        }
    }

    /**
     * Where a program's rollout stands, from its API object: done (both empty), still going (what it waits for),
     * or stuck (why, and what to do).
     */
    record Progress(String waiting, String failure) {
        static Progress of(String name, Object program) {
            String invalid = Json.str(program, "manifestError");
            if (invalid != null) {
                return new Progress(null, "program \"" + name + "\" cannot roll out: its manifest file is invalid, so the"
                        + " last good version stays in force: " + invalid + "; fix the file (steward apply checks a manifest"
                        + " before writing it)");
            }
            if (Json.bool(program, "waiting")) {
                return new Progress("the processes of the program it replaces are still stopping", null);
            }
            long replicas = Json.num(program, "replicas", 0);
            String policy = Json.str(Json.at(program, "spec"), "restartPolicy");
            // Where its errors went: `logs --stderr` of a program whose stderr goes to stdout is refused
            String errors = Json.bool(Json.at(program, "spec.logs"), "redirectStderr") ? "" : " --stderr";
            int current = 0;
            int old = 0;
            int updated = 0;
            int up = 0;
            for (Object process : Json.list(Json.at(program, "processes"))) {
                if (Json.bool(process, "removed")) {
                    old++;
                    continue;
                }
                current++;
                String state = Json.str(process, "state");
                if ("FATAL".equals(state)) {
                    String stuck = Json.str(process, "name");
                    String why = Json.str(process, "spawnError");
                    return new Progress(null, "program \"" + name + "\" rollout stopped: " + stuck + " is FATAL"
                            + (why == null ? "" : " (" + why + ")") + "; see why with `steward logs " + stuck
                            + errors + "` and `steward describe process " + stuck + "`, then fix the manifest and apply"
                            + " it again");
                }
                boolean expected = Json.bool(Json.at(process, "lastExit"), "expected");
                if ("EXITED".equals(state) && !expected && "Never".equals(policy)) {
                    String stuck = Json.str(process, "name");
                    return new Progress(null, "program \"" + name + "\" rollout stopped: " + stuck + " exited unexpectedly"
                            + " and its restartPolicy is Never, so it stays down; see why with `steward logs " + stuck
                            + errors + "`, then fix the manifest and apply it again");
                }
                if (!Json.bool(process, "outdated")) {
                    updated++;
                    if (settled(process, state, expected, policy)) {
                        up++;
                    }
                }
            }
            if (updated < replicas || current < replicas) {
                return new Progress(updated + " of " + replicas + " processes have been updated", null);
            }
            if (old > 0) {
                return new Progress(old + (old == 1 ? " old process is" : " old processes are") + " stopping", null);
            }
            if (up < replicas) {
                return new Progress(up + " of " + replicas + " updated processes are running", null);
            }
            return new Progress(null, null);
        }

        /**
         * Up, or where it stays by intent: RUNNING; STOPPED (by hand, or not autostart); EXITED as expected under
         * OnFailure or Never (a one-shot that completed); and not about to start again. Anything else is on its way.
         */
        private static boolean settled(Object process, String state, boolean expected, String policy) {
            if (Json.bool(process, "startsAgain")) {
                return false;
            }
            // Under Always even an expected exit starts again; a one-shot that completed stays EXITED.
            return "RUNNING".equals(state) || "STOPPED".equals(state)
                    || ("EXITED".equals(state) && expected && !"Always".equals(policy));
        }
    }
}
