package dev.steward.cli;

import dev.steward.manifest.ManifestLoader;
import dev.steward.manifest.RegularFiles;
import dev.steward.manifest.Utf8Text;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The manifests named by {@code -f}: files, directories (their {@code .yaml}/{@code .yml}/{@code .json} files) or stdin. */
final class ManifestFiles {
    /** One file's text and how to label it in messages. */
    record Source(String label, String text) {
        String contentType() {
            return label.endsWith(".json") ? "application/json" : "application/yaml";
        }
    }

    /** The daemon's limit for one manifest file (a constant: reading it loads no class of the daemon's). */
    static final int MAX_FILE_BYTES = (int) ManifestLoader.MAX_FILE_BYTES;

    private ManifestFiles() {
    }

    /**
     * How long opening a named pipe may wait for a writer ({@code mkfifo p; apply -f p}, with nothing writing into
     * p waited for ever); {@code -f <(generator)} has its writer from the start, however slowly it writes.
     */
    static final long PIPE_OPEN_TIMEOUT_MILLIS = 30_000;
    /** After this long waiting for a pipe's writer, say so. */
    private static final long PIPE_NOTICE_MILLIS = 1_000;

    static List<Source> read(List<String> names, boolean recursive, Path cwd, InputStream stdin, PrintStream err) {
        return read(names, recursive, cwd, stdin, err, PIPE_OPEN_TIMEOUT_MILLIS);
    }

    static List<Source> read(List<String> names, boolean recursive, Path cwd, InputStream stdin, PrintStream err,
                             long pipeOpenTimeoutMillis) {
        if (names == null || names.isEmpty()) {
            throw new CliException(StewardCli.EXIT_USAGE, "must give -f FILE, -f DIR or -f - (standard input)");
        }
        List<Source> sources = new ArrayList<>();
        Set<Path> seen = new HashSet<>(); // a file named twice (-f DIR -f DIR/web.yaml, a symlink) is sent once
        boolean stdinUsed = false;
        for (String name : names) {
            if (name.equals("-")) {
                if (stdinUsed) {
                    throw new CliException(StewardCli.EXIT_USAGE, "-f - (standard input) can be given only once");
                }
                stdinUsed = true;
                try {
                    sources.add(new Source("<stdin>", utf8(readAtMostLimit(stdin, "standard input"), "<stdin>")));
                } catch (IOException e) {
                    throw new CliException(StewardCli.EXIT_FAILED, "cannot read standard input: " + e.getMessage());
                }
                continue;
            }
            Path path = cwd.resolve(name);
            if (Files.isDirectory(path)) {
                List<Path> files = directory(path, recursive, name, err);
                if (files.isEmpty()) {
                    throw new CliException(StewardCli.EXIT_FAILED, "no manifests (*.yaml, *.yml, *.json) in " + name);
                }
                for (Path file : files) {
                    if (seen.add(identity(file))) {
                        sources.add(new Source(display(file, name, path), readFile(file, name, pipeOpenTimeoutMillis, err)));
                    }
                }
            } else if (seen.add(identity(path))) {
                sources.add(new Source(name, readFile(path, name, pipeOpenTimeoutMillis, err)));
            }
        }
        return sources;
    }

    /** The file itself, whatever the name it was reached by; a missing one is read (and reported) as named. */
    private static Path identity(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    private static String display(Path file, String dirName, Path dir) {
        String relative = dir.relativize(file).toString();
        return dirName.endsWith("/") ? dirName + relative : dirName + "/" + relative;
    }

    /**
     * The manifests of a directory; one named like a manifest that is not a regular file (a named pipe, a link that leads
     * nowhere) is skipped with a warning, not opened: a pipe would wait for a writer.
     */
    private static List<Path> directory(Path dir, boolean recursive, String dirName, PrintStream err) {
        List<Path> named;
        try (Stream<Path> walk = recursive ? Files.walk(dir) : Files.list(dir)) {
            named = walk.filter(p -> {
                String n = p.getFileName().toString();
                return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
            }).sorted().toList();
        } catch (IOException e) {
            throw new CliException(StewardCli.EXIT_FAILED, "cannot list " + dir + ": " + e.getMessage());
        }
        List<Path> files = new ArrayList<>();
        for (Path file : named) {
            if (Files.isRegularFile(file)) {
                files.add(file);
            } else if (!Files.isDirectory(file)) {
                err.println("warning: skipped " + display(file, dirName, dir) + ": " + notRegular(file)
                        + ", not a regular file");
            }
        }
        return files;
    }

    /** What a file that is not regular is, in words: {@code a named pipe (FIFO)}. */
    private static String notRegular(Path file) {
        Object mode;
        try {
            mode = Files.readAttributes(file, "unix:mode").get("mode");
        } catch (IOException | UnsupportedOperationException e) {
            try {
                return Files.isSymbolicLink(file) ? "a symbolic link to " + Files.readSymbolicLink(file)
                        + ", which does not exist" : "unreadable (" + e.getMessage() + ")";
            } catch (IOException gone) {
                return "gone";
            }
        }
        return RegularFiles.typeInWords((Integer) mode);
    }

    private static String readFile(Path path, String name, long pipeOpenTimeoutMillis, PrintStream err) {
        try (InputStream in = isPipe(path) ? openPipe(path, name, pipeOpenTimeoutMillis, err) : Files.newInputStream(path)) {
            return utf8(readAtMostLimit(in, name), name);
        } catch (NoSuchFileException e) {
            throw new CliException(StewardCli.EXIT_FAILED, "the file " + name + " does not exist");
        } catch (IOException e) {
            throw new CliException(StewardCli.EXIT_FAILED, "cannot read " + name + ": " + e.getMessage());
        }
    }

    private static boolean isPipe(Path path) {
        try {
            // Compile-time constants: read here, they load no class of the daemon's.
            return ((Integer) Files.readAttributes(path, "unix:mode").get("mode") & RegularFiles.S_IFMT) == RegularFiles.S_IFIFO;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // opened as any file, which says what is wrong
        }
    }

    /**
     * Opens a named pipe on a thread of its own: opening one waits until something opens it to write, for ever if
     * nothing does, and a thread cannot be woken from that wait. {@code -f <(generator)} (a pipe, {@code /dev/fd/63})
     * has its writer from the start and opens at once.
     */
    private static InputStream openPipe(Path path, String name, long timeoutMillis, PrintStream err) throws IOException {
        PipeOpener opener = new PipeOpener(path);
        opener.start();
        try {
            opener.join(Math.min(PIPE_NOTICE_MILLIS, timeoutMillis));
            if (opener.isAlive()) {
                err.println("waiting for something to write into " + name + ", a named pipe (at most " + timeoutMillis
                        / 1000 + " s; Ctrl-C to give up)");
                opener.join(Math.max(1, timeoutMillis - PIPE_NOTICE_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (opener.isAlive()) {
            throw new CliException(StewardCli.EXIT_FAILED, "nothing opened " + name + " (a named pipe) to write into it"
                    + " within " + timeoutMillis / 1000 + " s; nothing was sent: write the manifest into it from elsewhere"
                    + " (cat web.yaml > " + name + "), or give a regular file");
        }
        if (opener.failure != null) {
            throw opener.failure;
        }
        return opener.opened;
    }

    /** Opens a file, left waiting (a daemon thread, which does not keep the client alive) if nothing ever writes. */
    private static final class PipeOpener extends Thread {
        private final Path path;
        private volatile InputStream opened;
        private volatile IOException failure;

        PipeOpener(Path path) {
            super("steward-open-pipe");
            this.path = path;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                opened = Files.newInputStream(path);
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    /**
     * The bytes of a manifest, refused past the daemon's limit for one (1 MiB) without reading further: a 50 MB file, or
     * {@code -f /dev/zero}, ran the client out of heap with a stack trace.
     */
    private static byte[] readAtMostLimit(InputStream in, String name) throws IOException {
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
            throw new CliException(StewardCli.EXIT_FAILED, name + " is larger than 1 MiB, the most the daemon takes for"
                    + " one manifest; nothing was sent: a manifest should be a few KiB, split it into several files");
        }
        return bytes;
    }

    /** The text of a manifest: refused here, where it is, when not UTF-8, as the daemon would refuse it. */
    private static String utf8(byte[] bytes, String name) {
        try {
            return Utf8Text.decode(bytes);
        } catch (Utf8Text.NotUtf8 e) {
            throw new CliException(StewardCli.EXIT_FAILED, name + ":" + e.line() + ":" + e.column() + ": " + e.getMessage()
                    + ", and try again");
        }
    }

    /** The content type of {@link #multipart}'s body. */
    static String multipartType(String boundary) {
        return "multipart/form-data; boundary=" + boundary;
    }

    /**
     * A boundary that none of the texts contains, always as long, so that a request's size depends on its files only
     * (sixteen hexadecimal digits: nanoTime's own would grow with the machine's uptime).
     */
    static String boundary(List<Source> sources) {
        long n = System.nanoTime();
        String boundary;
        do {
            String digits = Long.toHexString(n++);
            boundary = "steward-" + "0000000000000000".substring(digits.length()) + digits;
        } while (containedIn(sources, boundary));
        return boundary;
    }

    private static boolean containedIn(List<Source> sources, String text) {
        for (Source source : sources) { // a loop, not a stream: no lambda on the client's path
            if (source.text().contains(text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * All sources as one {@code multipart/form-data} body, one file part each in order, named by its label, so the
     * daemon checks them together and names each file in its errors (POST /api/v1/programs, docs/api.md).
     */
    static byte[] multipart(List<Source> sources, String boundary) {
        StringBuilder body = new StringBuilder();
        for (Source source : sources) {
            body.append("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"file\"; filename=\"").append(quoted(source.label()))
                    .append("\"\r\nContent-Type: ").append(source.contentType()).append("\r\n\r\n")
                    .append(source.text()).append("\r\n");
        }
        return body.append("--").append(boundary).append("--\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A file name inside a quoted header parameter, percent-encoded where a quote, backslash or line break would end
     * it early (RFC 7578, as browsers and curl do); the daemon decodes them, and {@code %} itself, back.
     */
    static String quoted(String label) {
        return label.replace("%", "%25").replace("\\", "%5C").replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }

    /** The {@code metadata.name} of every Program document in a source (for delete -f and diff). */
    static List<String> programNames(Source source) {
        List<String> names = new ArrayList<>();
        for (Object document : Yaml.loadAll(source.text(), source.label())) {
            String kind = Json.str(document, "kind");
            String name = Json.str(document, "metadata.name");
            if (kind != null && !kind.equals("Program")) {
                throw new CliException(StewardCli.EXIT_FAILED, source.label() + ": kind " + kind + " is not supported (only Program)");
            }
            if (name == null || name.isBlank()) {
                throw new CliException(StewardCli.EXIT_FAILED, source.label() + ": a document has no metadata.name");
            }
            names.add(name);
        }
        return names;
    }
}
