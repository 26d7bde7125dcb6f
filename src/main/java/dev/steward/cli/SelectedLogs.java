package dev.steward.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code steward logs -l SELECTOR}: the output of every process of the programs the selector picks, as kubectl logs -l
 * gives every pod's. Without {@code -f}, one process after another, each its last 10 lines unless {@code --tail} says
 * otherwise; with {@code -f}, all at once, a thread and a request each, whole lines interleaved as they come, up to
 * {@code --max-log-requests}. A stream that cannot be read is named on stderr at once, and the others go on.
 */
final class SelectedLogs {
    private final LogsCommand command;
    private final Object lock = new Object();
    private int exit = StewardCli.EXIT_OK; // under lock: the worst failure's exit code, 3 (unreachable) above 1

    SelectedLogs(LogsCommand command) {
        this.command = command;
    }

    int print(String selector) {
        List<String> processes = new ArrayList<>();
        for (Object process : Json.list(Json.obj(command.api().get("/processes?selector=" + Api.enc(selector))).get("items"))) {
            processes.add(Json.str(process, "name"));
        }
        if (processes.isEmpty()) {
            command.err().println("No processes found.");
            return StewardCli.EXIT_OK;
        }
        if (command.follow && processes.size() > command.maxLogRequests) {
            throw LogsCommand.usage("-l " + selector + " picks " + processes.size() + " processes, more than --max-log-requests ("
                    + command.maxLogRequests + ") may be followed at once; raise it (--max-log-requests " + processes.size()
                    + "), or narrow the selector");
        }
        int lines = command.tail != LogsCommand.TAIL_UNSET || command.bytes >= 0 ? command.lines() : LogsCommand.SELECTOR_TAIL;
        if (command.follow) {
            followAll(processes, lines);
        } else {
            for (String process : processes) {
                copy(process, lines);
            }
        }
        synchronized (lock) {
            command.out().flush();
            return exit;
        }
    }

    private void followAll(List<String> processes, int lines) {
        List<Thread> followers = new ArrayList<>();
        for (String process : processes) {
            Thread follower = new Thread(() -> copy(process, lines), "logs " + process);
            follower.setDaemon(true); // Ctrl-C ends the client whatever its followers do
            follower.start();
            followers.add(follower);
        }
        for (Thread follower : followers) {
            try {
                while (follower.isAlive()) {
                    follower.join(200);
                    if (readerGone()) { // | head has all it wanted; the followers of silent streams would wait forever
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean readerGone() {
        synchronized (lock) {
            return command.out().checkError();
        }
    }

    /** One process's stream, its lines whole and, with --prefix, named; a refusal is noted and the others go on. */
    private void copy(String process, int lines) {
        String prefix = command.prefix ? "[process/" + process + "] " : "";
        try (HttpTransport.Response response = command.api().stream(command.target(process, command.stderr, lines), "text/plain")) {
            new LogLines(command.out(), lock, prefix).copy(response.body, command.follow);
        } catch (CliException e) {
            fail(process, e);
        } catch (IOException e) {
            fail(process, command.api().failure(e));
        } catch (RuntimeException e) {
            fail(process, new CliException(StewardCli.EXIT_FAILED, e.toString()));
        }
    }

    private void fail(String process, CliException failure) {
        synchronized (lock) {
            command.out().flush(); // what came before it, first
            command.err().println("error: " + process + ": " + failure.getMessage());
            command.err().flush();
            if (exit != StewardCli.EXIT_UNREACHABLE) {
                exit = failure.exitCode() == StewardCli.EXIT_UNREACHABLE ? StewardCli.EXIT_UNREACHABLE : StewardCli.EXIT_FAILED;
            }
        }
    }
}
