package dev.steward.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * HTTP/1.1 over a unix domain socket or TCP, one request per connection ({@code Connection: close}).
 * Responses may be sized by Content-Length, chunked, or end at EOF; the body is an
 * {@link InputStream} so streams (logs {@code -f}, the event stream) can be read as they arrive.
 * Deliberately tiny: {@code java.net.http.HttpClient} costs half a second of start-up.
 */
public final class HttpTransport {
    /** Where the daemon is: a unix socket path, or a TCP host and port. */
    public record Endpoint(Path socket, String host, int port) {
        public static Endpoint unix(Path socket) {
            return new Endpoint(socket, null, 0);
        }

        public static Endpoint tcp(String host, int port) {
            return new Endpoint(null, host, port);
        }

        public boolean isUnix() {
            return socket != null;
        }

        @Override
        public String toString() {
            return isUnix() ? "unix:" + socket : "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** A listener over loopback that may not be sent the token (another user's): the CLI exits 3. */
    public static final class UntrustedListenerException extends IOException {
        public UntrustedListenerException(String message) {
            super(message);
        }
    }

    /** The daemon took the request but its answer did not begin in time (stuck, or overloaded): the CLI exits 3. */
    public static final class NoAnswerException extends IOException {
        public final long millis;
        /** Whether it was another request that got no answer within {@code millis}, asked while this one waited. */
        public final boolean probed;

        public NoAnswerException(long millis, boolean probed, Throwable cause) {
            super("no answer within " + millis + " ms", cause);
            this.millis = millis;
            this.probed = probed;
        }
    }

    /**
     * Closes a connection whose answer (or, on a unix socket, whose connect) has not begun within its time, so that a
     * daemon that is stuck (blocked, stopped with SIGSTOP) does not hold the client for ever, as a blocked read would.
     */
    private static final class Watchdog extends Thread {
        private final Closeable connection;
        private final long millis;
        /** Asked every {@link #probeEvery} ms, once that long has passed, whether the daemon still answers; null: not asked. */
        private final HttpTransport prober;
        private final long probeEvery;
        private volatile boolean fired;
        /** Whether it fired as the daemon did not answer another request ({@link #prober}). */
        private volatile boolean probedOut;

        Watchdog(Closeable connection, long millis) {
            this(connection, millis, null, millis);
        }

        /**
         * @param millis     the longest the answer may take to begin
         * @param prober     asked every {@code probeEvery} ms whether the daemon answers another request: the wait ends
         *                   sooner, at the first that it does not
         */
        Watchdog(Closeable connection, long millis, HttpTransport prober, long probeEvery) {
            super("steward-watchdog");
            setDaemon(true);
            this.connection = connection;
            this.millis = millis;
            this.prober = prober;
            this.probeEvery = probeEvery;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            try {
                Thread.sleep(Math.min(millis, probeEvery));
                long left;
                while (prober != null && (left = millis - (System.nanoTime() - start) / 1_000_000) > 0) {
                    if (!prober.answers()) {
                        probedOut = true;
                        break;
                    }
                    Thread.sleep(Math.min(left, probeEvery));
                }
            } catch (InterruptedException answered) {
                return;
            }
            if (isInterrupted()) {
                return; // the answer began while the daemon was asked (which the interrupt cut short)
            }
            fired = true;
            try {
                connection.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }

    /** Cannot connect (nothing listening, no such socket, refused): the CLI exits 3. */
    public static final class UnreachableException extends IOException {
        public UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A response whose body is read lazily; close it to release the connection. */
    public static final class Response implements Closeable {
        public final int status;
        public final Map<String, String> headers;
        public final InputStream body;
        private final Closeable connection;

        Response(int status, Map<String, String> headers, InputStream body, Closeable connection) {
            this.status = status;
            this.headers = headers;
            this.body = body;
            this.connection = connection;
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The whole body as UTF-8 text (closes the response). */
        public String text() throws IOException {
            try (this) {
                return new String(body.readAllBytes(), StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }

    private final Endpoint endpoint;
    private final int connectTimeoutMillis;
    private final String authorization; // the Authorization header's value, or null
    /** Over loopback, the users whose listener may be sent the authorization (null: no check). */
    private final Set<Integer> trustedPeers;
    /** How long an answer may take to begin, beyond an action's own timeout; 0: for ever. */
    private long answerMillis;
    private static final String ACTIONS = "/api/v1/actions/";
    /** The daemon's ActionTimeout.CAP, written out: the client's common path loads no daemon class. */
    static final long ACTION_WAIT_CAP_MILLIS = 3_600_000;

    public HttpTransport(Endpoint endpoint, int connectTimeoutMillis) {
        this(endpoint, connectTimeoutMillis, null, null);
    }

    /**
     * @param authorization sent as the {@code Authorization} header of every request; null for none
     * @param trustedPeers  over loopback, the user ids whose listener may receive {@code authorization}: a listener of
     *                      another user (one who bound the port while the daemon was down) is not sent it
     */
    public HttpTransport(Endpoint endpoint, int connectTimeoutMillis, String authorization, Set<Integer> trustedPeers) {
        this.endpoint = endpoint;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.authorization = authorization;
        this.trustedPeers = trustedPeers;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Gives up on a request whose answer has not begun within {@code millis} (0: waits for ever). */
    public void answerTimeout(long millis) {
        this.answerMillis = millis;
    }

    /**
     * The time an answer to {@code target} may take to begin: {@link #answerMillis}, plus the {@code timeout=S} an
     * action waits for on the daemon's side, or, for one that gives none ({@link #probes}), the longest the daemon then
     * waits (ActionTimeout.CAP); 0 for ever.
     */
    long answerMillis(String target) {
        if (answerMillis <= 0) {
            return 0;
        }
        int at = timeoutAt(target);
        if (at < 0) {
            return probes(target) ? answerMillis + ACTION_WAIT_CAP_MILLIS : answerMillis;
        }
        int end = target.indexOf('&', at);
        try {
            double seconds = Double.parseDouble(target.substring(at + "timeout=".length(), end < 0 ? target.length() : end));
            return answerMillis + (long) Math.ceil(seconds * 1000);
        } catch (NumberFormatException e) {
            return answerMillis;
        }
    }

    /** Where {@code timeout=} begins in {@code target}'s query; -1 when it has none. */
    private static int timeoutAt(String target) {
        int at = target.indexOf("timeout=");
        return at < 1 || (target.charAt(at - 1) != '?' && target.charAt(at - 1) != '&') ? -1 : at;
    }

    /**
     * Whether the wait for the answer to {@code target} asks the daemon every {@link #answerMillis} whether it still
     * answers: a start, stop or restart without a timeout, which the daemon may take up to an hour over (the processes'
     * own startSeconds and stopTimeoutSeconds), where a daemon stuck or stopped (kill -STOP) is to be given up on as
     * soon as for any other request. A signal waits for nothing.
     */
    static boolean probes(String target) {
        return target.startsWith(ACTIONS) && !target.startsWith(ACTIONS + "signal") && timeoutAt(target) < 0;
    }

    /** Whether the daemon begins an answer to a request of its own within {@link #answerMillis}: it is not stuck. */
    boolean answers() {
        HttpTransport probe = new HttpTransport(endpoint, connectTimeoutMillis, authorization, trustedPeers);
        probe.answerTimeout(answerMillis);
        try (Response response = probe.send("GET", "/api/v1/version", null, null, null)) {
            return response.status > 0; // any answer, even a refusal: it answers
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends a request and returns once the status line and headers arrived.
     *
     * @param target path and query, already encoded
     * @param body   request body or null
     */
    public Response send(String method, String target, String contentType, byte[] body, String accept) throws IOException {
        Closeable connection;
        InputStream rawIn;
        OutputStream rawOut;
        Watchdog watchdog = null;
        if (endpoint.isUnix()) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            // A blocking connect to a unix socket whose listen queue is full (a stuck daemon) waits for ever: closing the
            // channel from another thread ends it, as a TCP connect's own timeout does.
            Watchdog connecting = connectTimeoutMillis > 0 ? new Watchdog(channel, connectTimeoutMillis) : null;
            try {
                if (connecting != null) {
                    connecting.start();
                }
                channel.connect(UnixDomainSocketAddress.of(endpoint.socket()));
            } catch (IOException e) {
                channel.close();
                throw new UnreachableException(connecting != null && connecting.fired ? "connect timed out: its socket takes no"
                        + " more connections; is the daemon stuck, or stopped (kill -CONT PID)?" : describe(e), e);
            } finally {
                if (connecting != null) {
                    connecting.interrupt();
                }
            }
            connection = channel;
            rawIn = Channels.newInputStream(channel);
            rawOut = Channels.newOutputStream(channel);
        } else {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), connectTimeoutMillis);
            } catch (IOException e) {
                socket.close();
                throw new UnreachableException(describe(e), e);
            }
            if (authorization != null && trustedPeers != null) {
                OptionalInt peer = LoopbackPeer.uid(socket);
                if (peer.isPresent() && !trustedPeers.contains(peer.getAsInt())) {
                    socket.close();
                    throw new UntrustedListenerException(endpoint + " is held by a process of user id " + peer.getAsInt()
                            + ", not by root, this user, or the owner of the state directory or token file the token"
                            + " came from, so the token was not sent to it: if that is your daemon, point"
                            + " STEWARD_STATE_DIR at its state directory; if not, your daemon is down and another user"
                            + " holds its port");
                }
            }
            socket.setTcpNoDelay(true);
            connection = socket;
            rawIn = socket.getInputStream();
            rawOut = socket.getOutputStream();
        }
        try {
            StringBuilder head = new StringBuilder(256);
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(endpoint.isUnix() ? "localhost" : hostHeader()).append("\r\n");
            head.append("User-Agent: steward-cli\r\n");
            head.append("Accept: ").append(accept == null ? "application/json" : accept).append("\r\n");
            head.append("Connection: close\r\n");
            if (authorization != null) {
                head.append("Authorization: ").append(authorization).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
                head.append("Content-Length: ").append(body.length).append("\r\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                head.append("Content-Length: 0\r\n");
            }
            head.append("\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
            InputStream in = new BufferedInputStream(rawIn, 16 * 1024);
            long waitMillis = answerMillis(target);
            watchdog = waitMillis <= 0 ? null : probes(target) ? new Watchdog(connection, waitMillis, this, answerMillis)
                    : new Watchdog(connection, waitMillis);
            if (watchdog != null) {
                watchdog.start();
            }
            try {
                if (body != null && body.length > 0) {
                    byte[] all = new byte[headBytes.length + body.length];
                    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
                    System.arraycopy(body, 0, all, headBytes.length, body.length);
                    rawOut.write(all);
                } else {
                    rawOut.write(headBytes);
                }
                rawOut.flush();
            } catch (IOException unsent) {
                // The daemon answers a body over its limit (413) from the head alone and closes the connection: the
                // rest cannot be written, but the answer, which says why, is there to read.
                try {
                    return readResponse(in, connection, method);
                } catch (IOException noAnswer) {
                    unsent.addSuppressed(noAnswer);
                    throw unsent;
                }
            }
            return readResponse(in, connection, method);
        } catch (IOException | RuntimeException e) {
            connection.close();
            if (watchdog != null && watchdog.fired) {
                throw watchdog.probedOut ? new NoAnswerException(answerMillis, true, e) : new NoAnswerException(watchdog.millis, false, e);
            }
            throw e;
        } finally {
            if (watchdog != null) {
                watchdog.interrupt(); // the answer has begun (or failed): the body, a stream's too, takes its time
            }
        }
    }

    private String hostHeader() {
        String host = endpoint.host().contains(":") ? "[" + endpoint.host() + "]" : endpoint.host();
        return host + ":" + endpoint.port();
    }

    static Response readResponse(InputStream in, Closeable connection, String method) throws IOException {
        String statusLine = readLine(in);
        while (true) {
            if (statusLine == null) {
                throw new EOFException("the daemon closed the connection without answering");
            }
            if (!statusLine.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP response: " + abbreviate(statusLine));
            }
            int status = parseStatus(statusLine);
            Map<String, String> headers = readHeaders(in);
            if (status >= 100 && status < 200) { // 100 Continue and friends: skip to the real response
                statusLine = readLine(in);
                continue;
            }
            InputStream body;
            String transfer = headers.get("transfer-encoding");
            String length = headers.get("content-length");
            if (method.equals("HEAD") || status == 204 || status == 304) {
                body = InputStream.nullInputStream();
            } else if (transfer != null && transfer.toLowerCase(Locale.ROOT).contains("chunked")) {
                body = new ChunkedInputStream(in);
            } else if (length != null) {
                body = new LimitedInputStream(in, Long.parseLong(length.trim()));
            } else {
                body = in; // until the server closes the connection
            }
            return new Response(status, headers, body, connection);
        }
    }

    private static int parseStatus(String statusLine) throws IOException {
        int space = statusLine.indexOf(' ');
        try {
            return Integer.parseInt(statusLine.substring(space + 1, Math.min(statusLine.length(), space + 4)));
        } catch (RuntimeException e) {
            throw new IOException("bad HTTP status line: " + abbreviate(statusLine));
        }
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("the daemon closed the connection in the middle of the headers");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                String earlier = headers.get(name); // repeated: joined as RFC 9110 says (no lambda: see Table.row)
                headers.put(name, earlier == null ? value : earlier + ", " + value);
            }
        }
    }

    /** A CRLF- (or LF-) terminated ISO-8859-1 line without its terminator; null at EOF before any byte. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            line.write(b);
            if (line.size() > 64 * 1024) {
                throw new IOException("HTTP header line too long");
            }
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private String describe(IOException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.net.SocketTimeoutException) {
            reason = "connect timed out";
        } else if (e instanceof java.nio.file.NoSuchFileException || (endpoint.isUnix() && !java.nio.file.Files.exists(endpoint.socket()))) {
            reason = "no such socket";
        } else if (endpoint.isUnix() && java.nio.file.Files.isDirectory(endpoint.socket())) {
            // the state directory given for its socket, as `serve --state-dir` takes it
            reason = "that is a directory, not a socket; the daemon's socket is steward.sock in its state directory: --server "
                    + endpoint.socket().resolve("steward.sock");
        } else if (endpoint.isUnix() && java.nio.file.Files.isRegularFile(endpoint.socket())) {
            reason = "that is a regular file, not a socket; the daemon's socket is steward.sock in its state directory";
        }
        return reason;
    }

    /** The body of a {@code Transfer-Encoding: chunked} response, de-chunked; trailers are skipped. */
    static final class ChunkedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;
        private boolean done;

        ChunkedInputStream(InputStream in) {
            this.in = in;
        }

        private boolean nextChunk() throws IOException {
            if (done) {
                return false;
            }
            if (remaining == 0) {
                String sizeLine = readLine(in);
                if (sizeLine != null && sizeLine.isEmpty()) { // the CRLF after the previous chunk's data
                    sizeLine = readLine(in);
                }
                if (sizeLine == null) {
                    throw new EOFException("the daemon closed the connection in the middle of a chunked response");
                }
                int semicolon = sizeLine.indexOf(';');
                String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
                try {
                    remaining = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size: " + abbreviate(sizeLine));
                }
                if (remaining == 0) {
                    String trailer;
                    while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
                        // ignore trailers
                    }
                    done = true;
                    return false;
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!nextChunk()) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new EOFException("the daemon closed the connection in the middle of a chunk");
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return done ? 0 : (int) Math.min(in.available(), remaining);
        }
    }

    /** Exactly {@code length} bytes of the underlying stream. */
    static final class LimitedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        LimitedInputStream(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the response ended early");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new EOFException("the response ended early");
            }
            remaining -= n;
            return n;
        }
    }
}
