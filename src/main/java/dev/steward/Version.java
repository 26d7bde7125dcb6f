package dev.steward;

import picocli.CommandLine;

/** The version printed by {@code --version} and {@code steward version}, from the jar manifest when packaged. */
public final class Version implements CommandLine.IVersionProvider {
    public static String current() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0-SNAPSHOT" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"steward " + current()};
    }
}
