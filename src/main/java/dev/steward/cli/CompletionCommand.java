package dev.steward.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code steward completion bash|zsh}: a shell completion script on stdout. picocli writes the verbs and options;
 * {@code completion.bash} beside this class adds files, kinds and the names the daemon lists, for which it needs to know
 * which options take a value ({@link #valueOptions}).
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.", "",
                "  bash:  source <(steward completion bash)",
                "         (or save it in /etc/bash_completion.d/steward)",
                "  zsh:   source <(steward completion zsh)   (uses bashcompinit)"})
final class CompletionCommand extends StewardCli.Verb {
    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine top = spec.commandLine().getParent();
        String script;
        try (InputStream ours = CompletionCommand.class.getResourceAsStream("completion.bash")) {
            script = AutoComplete.bash("steward", top) + valueOptions(top) + new String(ours.readAllBytes(), StandardCharsets.UTF_8);
        }
        switch (shell) {
            case "bash":
                out().print(script);
                break;
            case "zsh":
                // The script loads bashcompinit itself, and compinit only when no completion system is loaded: run again,
                // compinit drops what compdef registered before it (kubectl's completion, say).
                out().print("# steward completion for zsh: the bash completion, which zsh runs through bashcompinit\n");
                out().print(script);
                break;
            default:
                throw usage("unknown shell \"" + shell + "\"; use bash or zsh");
        }
        return StewardCli.EXIT_OK;
    }

    /** The bash function {@code _steward_value_options VERB}: the verb's options that take a value, as picocli has them. */
    static String valueOptions(CommandLine top) {
        StringBuilder out = new StringBuilder("\n# The options of each verb that take a value, between spaces: what follows one is"
                + " its value, not a NAME.\nfunction _steward_value_options() {\n  case $1 in\n");
        for (Map.Entry<String, CommandLine> verb : top.getSubcommands().entrySet()) {
            StringBuilder names = new StringBuilder(" ");
            for (CommandLine.Model.OptionSpec option : verb.getValue().getCommandSpec().options()) {
                if (option.arity().max() > 0) {
                    names.append(String.join(" ", option.names())).append(' ');
                }
            }
            out.append("    ").append(verb.getKey()).append(") echo '").append(names).append("' ;;\n");
        }
        return out.append("  esac\n}\n").toString();
    }
}
