package dev.steward.cli;

import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code steward version}: the client's version and the running daemon's, as {@code kubectl version} prints both
 * (and {@code supervisorctl version} the daemon's), so that a client and a daemon of different builds show.
 */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print the client's version and the running daemon's.")
final class VersionCommand extends StewardCli.Verb {
    @Option(names = "--client", description = "The client's version only; the daemon is not asked.")
    boolean clientOnly;

    /** {@code steward --version}: picocli's one line, {@code steward 1.2.3}. */
    boolean versionFlag;

    @Override
    public Integer call() {
        if (versionFlag) {
            out().println("steward " + StewardCli.version());
            return StewardCli.EXIT_OK;
        }
        out().println("Client Version: steward " + StewardCli.version());
        if (clientOnly) {
            return StewardCli.EXIT_OK;
        }
        out().flush(); // shown even when the daemon cannot be reached, as kubectl does
        Object daemon;
        try {
            daemon = api().get("/version");
        } catch (ApiException notFound) {
            if (notFound.status() != 404) {
                throw notFound;
            }
            throw new CliException(StewardCli.EXIT_FAILED, "the daemon has no GET /api/v1/version: it is older than"
                    + " this client, which may ask it for what it does not know; restart it with this build (bin/steward"
                    + " serve)");
        }
        // Uptime rather than a date: a date needs the time-zone rules, which cost this short command 10 ms to load.
        String started = Json.str(daemon, "startedAt");
        String uptime = started == null ? "" : ", up " + Format.age(Duration.between(Format.instant(started),
                io().clock().instant()));
        out().println("Server Version: steward " + Json.str(daemon, "version") + " (pid " + Json.str(daemon, "pid")
                + ", Java " + Json.str(daemon, "java") + uptime + ")");
        return StewardCli.EXIT_OK;
    }
}
