package dev.steward.cli;

import picocli.CommandLine.Command;

/** {@code steward version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the client's version.")
final class VersionCommand extends StewardCli.Verb {
    @Override
    public Integer call() {
        out().println("steward " + StewardCli.version());
        return StewardCli.EXIT_OK;
    }
}
