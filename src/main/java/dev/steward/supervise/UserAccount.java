package dev.steward.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A local account from /etc/passwd, for {@code spec.user}.
 *
 * @param shell its login shell; {@code /bin/sh} where the field is empty, as passwd(5) says
 */
record UserAccount(String name, int uid, int gid, String home, String shell) {

    static UserAccount lookup(String user) throws SpawnException {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 6 && (fields[0].equals(user) || fields[2].equals(user))) {
                    String shell = fields.length > 6 && !fields[6].isEmpty() ? fields[6] : "/bin/sh";
                    return new UserAccount(fields[0], Integer.parseInt(fields[2]), Integer.parseInt(fields[3]), fields[5],
                            shell);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new SpawnException("cannot read /etc/passwd to look up user '" + user + "': " + e.getMessage());
        }
        throw new SpawnException("no such user '" + user + "' in /etc/passwd; create it or fix spec.user");
    }
}
