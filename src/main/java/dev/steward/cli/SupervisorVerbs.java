package dev.steward.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * supervisorctl's verbs that Steward has under another name, or does without: what to type instead, so that an
 * operator coming from Supervisor gets the command rather than "Unmatched argument" (README, "Coming from Supervisor").
 * The same for kubectl's verbs that change objects, which a manifest file does here ({@code edit}, {@code create}, ...):
 * picocli's nearest verb to {@code edit} was {@code diff}.
 */
final class SupervisorVerbs {
    private SupervisorVerbs() {
    }

    /** What to say for {@code verb} followed by {@code rest}; empty when it is not one of supervisorctl's. */
    static Optional<String> advice(String verb, List<String> rest) {
        String names = String.join(" ", rest);
        String advice;
        String whose = "supervisorctl's";
        switch (verb) {
            case "edit":
                whose = "kubectl's";
                advice = "a program is edited in its manifest file, which the daemon watches: open the file that "
                        + "steward get program " + programOf(rest) + " -o wide names (SOURCE) in your editor; once saved it"
                        + " is in force, or, if it is invalid, the last good version runs on and steward describe program "
                        + programOf(rest) + " says why. Or edit a copy and steward apply -f it, which checks it before"
                        + " writing";
                break;
            case "create":
            case "replace":
                whose = "kubectl's";
                advice = "type: steward apply -f FILE (it creates the programs that do not exist yet, and changes those"
                        + " that do)";
                break;
            case "patch":
            case "label":
            case "annotate":
            case "set":
                whose = "kubectl's";
                advice = "a program changes through its manifest file: edit the file that steward get program "
                        + programOf(rest) + " -o wide names (SOURCE), or steward apply -f a changed copy";
                break;
            case "tail":
                advice = "type: " + logs(rest);
                break;
            case "avail":
                advice = "type: steward get programs";
                break;
            case "pid":
                advice = rest.isEmpty() ? "the daemon's pid is in: steward version"
                        : "type: steward get processes" + (names.equals("all") ? "" : " " + names) + " -o wide (its PID column)";
                break;
            case "reread":
            case "update":
                advice = "it is not needed: the manifest directory is watched, and each change applied as it is saved;"
                        + " steward diff -f DIR shows what a change would do, steward apply -f FILE writes one there";
                break;
            case "add":
            case "remove":
                advice = "a program comes and goes with its manifest file in the watched directory: steward apply -f FILE"
                        + " adds one, steward delete program NAME removes one";
                break;
            case "clear":
                advice = "log files rotate by size instead (spec.logs.stdout.maxBytes and backups), and the daemon keeps"
                        + " the last 64 KiB of each stream in memory: steward logs NAME";
                break;
            case "maintail":
                advice = "the daemon's own log is its stdout (the journal, docker logs); steward get events -w follows"
                        + " what happens";
                break;
            case "shutdown":
                advice = "stop the daemon with SIGTERM (kill PID, with the pid from steward version; systemctl stop;"
                        + " or Ctrl-C where it runs): it stops every program first";
                break;
            case "reload":
                advice = "restart the daemon, which reads the directory again and arrives at the same world, or send it"
                        + " SIGHUP (kill -HUP PID) to re-read the directory and reopen the log files, restarting only"
                        + " what changed";
                break;
            case "fg":
                advice = "steward logs NAME -f follows a process's output, and steward signal SIG NAME signals it";
                break;
            case "open":
                advice = "name the daemon with --server (a socket path or http://HOST:PORT) or STEWARD_SERVER";
                break;
            default:
                return Optional.empty();
        }
        return Optional.of("steward has no '" + verb + "' (" + whose + "): " + advice);
    }

    /**
     * The program named after kubectl's verb, wherever it is among the options and subcommands ({@code program web},
     * {@code set env program/web}), else {@code NAME}: a word that is not a program's (a label, {@code process web-0})
     * would send the user to look for a program that does not exist.
     */
    private static String programOf(List<String> rest) {
        for (int i = 0; i < rest.size(); i++) {
            String word = rest.get(i);
            int slash = word.indexOf('/');
            if (GetCommand.kindOf(slash > 0 ? word.substring(0, slash) : word).orElse(null) != GetCommand.Kind.PROGRAMS) {
                continue;
            }
            String name = slash > 0 ? word.substring(slash + 1) : i + 1 < rest.size() ? rest.get(i + 1) : "";
            if (!name.isEmpty() && !name.startsWith("-")) {
                return name;
            }
        }
        return "NAME";
    }

    /** supervisorctl's {@code tail [-f] [-BYTES] NAME [stdout|stderr]} as the {@code steward logs} command line. */
    private static String logs(List<String> rest) {
        List<String> words = new ArrayList<>(List.of("steward", "logs"));
        List<String> options = new ArrayList<>();
        String name = null;
        String badChannel = null;
        for (String arg : rest) {
            if (arg.equals("-f")) {
                options.add("-f");
            } else if (arg.matches("-\\d+")) {
                options.add("--limit-bytes " + arg.substring(1));
            } else if (arg.equals("stderr")) {
                options.add("--stderr");
            } else if (arg.equals("stdout")) {
                continue;
            } else if (name == null) {
                name = logsName(arg);
            } else if (badChannel == null) {
                badChannel = arg; // tail NAME CHANNEL: a second name is no channel
            }
        }
        words.add(name == null ? "NAME" : name);
        words.addAll(options);
        return String.join(" ", words) + (badChannel == null ? ""
                : " (the word after the name is stdout or stderr, not \"" + badChannel + "\")");
    }

    /**
     * supervisorctl's {@code GROUP:NAME} as Steward names it (logs takes both): the process NAME ({@code web:web-0} is
     * {@code web-0}), and {@code GROUP:*} the program ({@code program/web}, its first running process).
     */
    private static String logsName(String arg) {
        int colon = arg.indexOf(':');
        if (colon < 0) {
            return arg;
        }
        String process = arg.substring(colon + 1);
        return process.isEmpty() || process.equals("*") ? "program/" + arg.substring(0, colon) : process;
    }
}
