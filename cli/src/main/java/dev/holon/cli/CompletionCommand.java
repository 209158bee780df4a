package dev.holon.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code holon completion bash}: a completion script (bash; zsh loads it through bashcompinit). */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.", "",
                "  source <(holon completion bash)         # this shell",
                "  holon completion bash > ~/.local/share/bash-completion/completions/holon   # every shell",
                "  zsh: autoload -U +X bashcompinit && bashcompinit; source <(holon completion bash)"})
public final class CompletionCommand extends CliCommand {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SHELL", defaultValue = "bash", description = "bash (default; also for zsh).")
    String shell;

    @Override
    protected int execute() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new CliException(ExitCodes.USAGE, "no completion for " + shell + ": bash and zsh are supported");
        }
        ctx.out().print(AutoComplete.bash("holon", spec.root().commandLine()));
        ctx.out().flush();
        return ExitCodes.OK;
    }
}
