package dev.steward.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A stand-in for the daemon's REST API in unit tests: canned answers per {@code METHOD path?query},
 * served over a unix socket or TCP with plain HTTP/1.1, recording every request.
 */
final class FakeDaemon implements AutoCloseable {
    record Request(String method, String target, Map<String, String> headers, String body) {
        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    /** An answer: status, content type, other headers, and either a body or chunks written one by one (streaming). */
    record Answer(int status, String contentType, Map<String, String> headers, String body, List<String> chunks,
                  boolean chunkedBody) {
        static Answer json(int status, String body) {
            return new Answer(status, status >= 400 ? "application/problem+json" : "application/json", Map.of(), body, null,
                    false);
        }

        /** This answer with one more header. */
        Answer with(String header, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, value);
            return new Answer(status, contentType, more, body, chunks, chunkedBody);
        }

        static Answer json(String body) {
            return json(200, body);
        }

        static Answer text(String body) {
            return new Answer(200, "text/plain", Map.of(), body, null, false);
        }

        /** Sent with Transfer-Encoding: chunked, one chunk per element. */
        static Answer chunked(String contentType, String... chunks) {
            return new Answer(200, contentType, Map.of(), null, List.of(chunks), true);
        }

        static Answer problem(int status, String code, String detail) {
            return json(status, "{\"type\":\"https://steward.dev/problems/x\",\"title\":\"" + code + "\",\"status\":" + status
                    + ",\"code\":\"" + code + "\",\"detail\":\"" + detail.replace("\"", "\\\"") + "\",\"errors\":[]}");
        }
    }

    private final ServerSocketChannel server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-daemon");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Function<Request, Answer>> routes = Collections.synchronizedMap(new LinkedHashMap<>());
    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    final String address;
    private final Path socket;

    private FakeDaemon(ServerSocketChannel server, String address, Path socket) {
        this.server = server;
        this.address = address;
        this.socket = socket;
        threads.submit(this::acceptLoop);
    }

    static FakeDaemon unix(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return new FakeDaemon(server, socket.toString(), socket);
    }

    static FakeDaemon tcp() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        return new FakeDaemon(server, "http://127.0.0.1:" + port, null);
    }

    /** Answers {@code METHOD target} (exact path and query, or just the path when no query is registered). */
    FakeDaemon on(String method, String target, Answer answer) {
        routes.put(method + " " + target, r -> answer);
        return this;
    }

    FakeDaemon on(String method, String target, Function<Request, Answer> handler) {
        routes.put(method + " " + target, handler);
        return this;
    }

    Request last() {
        synchronized (requests) {
            return requests.get(requests.size() - 1);
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                threads.submit(() -> serve(channel));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            InputStream in = Channels.newInputStream(channel);
            OutputStream out = Channels.newOutputStream(channel);
            String requestLine = line(in);
            if (requestLine == null) {
                return;
            }
            String[] parts = requestLine.split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            String h;
            while ((h = line(in)) != null && !h.isEmpty()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            String target = parts[1].startsWith("/api/v1") ? parts[1].substring("/api/v1".length()) : parts[1];
            Request request = new Request(parts[0], target, headers, body);
            requests.add(request);
            Function<Request, Answer> handler = routes.get(parts[0] + " " + target);
            if (handler == null) {
                handler = routes.get(parts[0] + " " + request.path());
            }
            Answer answer = handler != null ? handler.apply(request)
                    : Answer.problem(404, "NotFound", "fake daemon: no route for " + parts[0] + " " + target);
            StringBuilder head = new StringBuilder("HTTP/1.1 " + answer.status() + " X\r\nContent-Type: " + answer.contentType() + "\r\n");
            answer.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (answer.chunkedBody()) {
                head.append("Transfer-Encoding: chunked\r\n\r\n");
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                for (String chunk : answer.chunks()) {
                    byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
                    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.write(bytes);
            }
            out.flush();
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                buffer.write(b);
            }
        }
        return b == -1 && buffer.size() == 0 ? null : buffer.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
        if (socket != null) {
            Files.deleteIfExists(socket);
        }
    }
}
