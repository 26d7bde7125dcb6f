package dev.steward.cli;

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
        Object daemon = api().get("/version");
        String started = Json.str(daemon, "startedAt");
        out().println("Server Version: steward " + Json.str(daemon, "version") + " (pid " + Json.str(daemon, "pid")
                + ", Java " + Json.str(daemon, "java") + (started == null ? "" : ", started "
                + Format.describeDate(Format.instant(started).atZone(io().clock().getZone()))) + ")");
        return StewardCli.EXIT_OK;
    }
}
