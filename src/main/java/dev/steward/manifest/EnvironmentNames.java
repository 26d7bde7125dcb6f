package dev.steward.manifest;

import java.util.regex.Pattern;

/** The names of environment variables a shell can give: what spec.environment takes, and what dash passes on. */
public final class EnvironmentNames {
    private static final Pattern SHELL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvironmentNames() {
    }

    /** Letters, digits and '_', not starting with a digit. */
    public static boolean isShellName(String name) {
        return SHELL_NAME.matcher(name).matches();
    }
}
