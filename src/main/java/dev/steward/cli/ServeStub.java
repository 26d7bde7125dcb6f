package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code serve} as the client sees it: listed in the help and completion, but the daemon is the
 * Quarkus application ({@code dev.steward.Main}); {@code bin/steward serve} runs that directly.
 */
@Command(name = "serve", description = {"Run the daemon in the foreground (see bin/steward serve --help)."})
final class ServeStub extends StewardCli.Verb {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Class<?> main;
        try {
            Class.forName("io.quarkus.runtime.Quarkus", false, ServeStub.class.getClassLoader());
            main = Class.forName("dev.steward.Main");
        } catch (ClassNotFoundException | LinkageError e) {
            throw new CliException(StewardCli.EXIT_USAGE, "the client cannot run the daemon; start it with: bin/steward serve");
        }
        List<String> all = new ArrayList<>();
        all.add("serve");
        all.addAll(args);
        try {
            main.getMethod("main", String[].class).invoke(null, (Object) all.toArray(String[]::new));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        return StewardCli.EXIT_OK;
    }
}
