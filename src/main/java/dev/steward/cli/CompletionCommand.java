package dev.steward.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code steward completion bash|zsh}: a shell completion script on stdout. */
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
    public Integer call() {
        CommandLine top = spec.commandLine().getParent();
        String script = AutoComplete.bash("steward", top);
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
}
