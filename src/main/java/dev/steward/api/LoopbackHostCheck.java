package dev.steward.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Against DNS rebinding: a web page can point a name of its own site at 127.0.0.1, and then read, as its own
 * origin, what needs no token there (health, metrics with the programs' names and states, the API description).
 * So a request that reached a loopback address must name a loopback host: an IP address, {@code localhost} or a
 * name under {@code .localhost}, or this machine's host name; its Host header says which name the browser used.
 * Requests over the unix socket, or to another address of the machine (a container's, where orchestrators and
 * Prometheus may use any name), are not concerned.
 */
@Singleton
public class LoopbackHostCheck {
    private static final Path HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private final Instance<ObjectMapper> json;
    private final String machine = machineName();

    public LoopbackHostCheck(Instance<ObjectMapper> json) {
        this.json = json;
    }

    void install(@Observes Router router) {
        // After the token check: a stranger's request is refused there first, with what to send.
        router.route().order(Integer.MIN_VALUE + 2).handler(context -> {
            String host = refusedHost(context.request());
            if (host == null) {
                context.next();
            } else {
                refuse(context, host);
            }
        });
    }

    /** The name a request to a loopback address used that is not a loopback one; null when it may pass. */
    String refusedHost(HttpServerRequest request) {
        SocketAddress local = request.localAddress();
        if (local == null || local.isDomainSocket() || !isLoopback(local.hostAddress())) {
            return null;
        }
        HostAndPort authority = request.authority();
        if (authority == null) {
            return null; // HTTP/1.0 without Host: not a browser
        }
        String name = authority.host().toLowerCase(Locale.ROOT);
        return allowed(name, machine) ? null : authority.host();
    }

    /** Whether {@code name} (lower case, as a Host header has it) can only mean this machine. */
    static boolean allowed(String name, String machine) {
        return isAddress(name) || name.equals("localhost") || name.endsWith(".localhost")
                || (!machine.isEmpty() && name.equals(machine));
    }

    /**
     * An IPv4 address (browsers write any number-only host as one) or an IPv6 one (with a colon, which no DNS name
     * has): no DNS answer can change where it leads.
     */
    private static boolean isAddress(String name) {
        if (name.indexOf(':') >= 0) {
            return true;
        }
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLoopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The kernel's host name, in lower case; empty when unknown (then only addresses and localhost pass). */
    static String machineName() {
        try {
            return Files.readString(HOSTNAME, StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private void refuse(RoutingContext context, String host) {
        SocketAddress local = context.request().localAddress();
        String address = local.hostAddress().indexOf(':') >= 0 ? "[" + local.hostAddress() + "]" : local.hostAddress();
        Problem problem = Problem.of(Problem.Code.Forbidden, "a request to " + address + ":" + local.port()
                + " that names the host \"" + host + "\" is refused: on a loopback address only localhost, an IP address"
                + (machine.isEmpty() ? "" : " or this machine's name (" + machine + ")") + " may be used, as a web page"
                + " can point a name of its own at 127.0.0.1 (DNS rebinding); use http://" + address + ":" + local.port()
                + " or http://localhost:" + local.port());
        if (!context.request().isEnded()) {
            MalformedRequests.closeOnceAnswered(context);
        }
        MalformedRequests.answer(context, json.get(), problem);
    }
}
