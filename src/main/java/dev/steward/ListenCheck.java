package dev.steward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether the daemon can listen on its HTTP address, found out before any program starts: Quarkus binds it only after
 * the first pass, so a port another program holds (or a host that is not this machine's) was found once every program
 * had been spawned, and they were all stopped again; under a service manager that restarts on failure, they flapped
 * with it. supervisord refuses such a start before it spawns anything. A thread of its own, started early, since the
 * binding's classes take about 10 ms to load, which the main thread spends reading the configuration meanwhile.
 */
final class ListenCheck extends Thread {
    private final String host;
    private final int port;
    private final String source;
    private volatile String problem;

    private ListenCheck(String host, int port, String source) {
        super("steward-listen-check");
        setDaemon(true);
        this.host = host;
        this.port = port;
        this.source = source;
    }

    /**
     * Starts checking {@code host:port}, which {@code source} set ({@code --listen}, {@code STEWARD_LISTEN}, the
     * default); a port of 0 (any free one) needs no check.
     */
    static ListenCheck start(String host, int port, String source) {
        ListenCheck check = new ListenCheck(host, port, source);
        if (port != 0) {
            check.start();
        }
        return check;
    }

    @Override
    public void run() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the HTTP server binds: a port whose last connections linger is free
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException | RuntimeException e) {
            String why = String.valueOf(e.getMessage());
            problem = "cannot listen on " + host + ":" + port + " (" + source + "): " + why + "; "
                    + (why.contains("in use") ? "another program holds that port (`ss -ltnp 'sport = :" + port + "'` names it)"
                    : "the host is not one of this machine's addresses (`ip -brief address` lists them)")
                    + ": choose another with --listen HOST:PORT or STEWARD_LISTEN";
        }
    }

    /** Waits for the check. @throws IllegalStateException saying why the address cannot be listened on */
    void await() {
        try {
            join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }
}
