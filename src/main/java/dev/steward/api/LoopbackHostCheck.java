package dev.steward.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.config.StewardConfig;
import dev.steward.supervise.HostName;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Against DNS rebinding: a web page can point a name of its own site at 127.0.0.1, and then read, as its own
 * origin, what needs no token there (health, metrics with the programs' names and states, the API description).
 * So a request that reached a loopback address must name a loopback host: an IP address, {@code localhost} or a
 * name under {@code .localhost}, this machine's host name, a name {@code /etc/hosts} gives a loopback address, or one
 * of {@code steward.allowed-hosts}; its Host header says which name the browser used.
 * Requests over the unix socket, or to another address of the machine (a container's, where orchestrators and
 * Prometheus may use any name), are not concerned.
 */
@Singleton
public class LoopbackHostCheck {
    private static final Path HOSTS = Path.of("/etc/hosts");

    private final Instance<ObjectMapper> json;
    private final String machine = machineName();
    private final Set<String> names;

    public LoopbackHostCheck(Instance<ObjectMapper> json, StewardConfig config) {
        this.json = json;
        Set<String> known = new HashSet<>(loopbackNames(HOSTS));
        if (!machine.isEmpty()) {
            known.add(machine);
        }
        config.allowedHosts().orElse(List.of()).forEach(name -> known.add(normalized(name)));
        this.names = Set.copyOf(known);
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
        return allowed(normalized(authority.host()), names) ? null : authority.host();
    }

    /** Lower case, without the final dot of a fully qualified name ({@code localhost.}). */
    static String normalized(String host) {
        String name = host.trim().toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** Whether {@code name} (normalized) can only mean this machine, {@code names} being its known names. */
    static boolean allowed(String name, Set<String> names) {
        return isAddress(name) || name.equals("localhost") || name.endsWith(".localhost") || names.contains(name);
    }

    /** The names {@code hosts} (an /etc/hosts) gives loopback addresses, normalized; none when it cannot be read. */
    static Set<String> loopbackNames(Path hosts) {
        Set<String> found = new HashSet<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(hosts, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return found;
        }
        for (String line : lines) {
            int hash = line.indexOf('#');
            String[] words = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            // isAddress first: isLoopback would look a name up in DNS
            if (words.length > 1 && isAddress(words[0]) && isLoopback(words[0])) {
                for (int i = 1; i < words.length; i++) {
                    found.add(normalized(words[i]));
                }
            }
        }
        return found;
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
        return HostName.read().map(name -> name.toLowerCase(Locale.ROOT)).orElse("");
    }

    private void refuse(RoutingContext context, String host) {
        SocketAddress local = context.request().localAddress();
        String address = local.hostAddress().indexOf(':') >= 0 ? "[" + local.hostAddress() + "]" : local.hostAddress();
        Problem problem = Problem.of(Problem.Code.Forbidden, "a request to " + address + ":" + local.port()
                + " that names the host \"" + host + "\" is refused: on a loopback address only localhost, an IP address,"
                + (machine.isEmpty() ? "" : " this machine's name (" + machine + "),") + " a loopback name of /etc/hosts or"
                + " one of STEWARD_ALLOWED_HOSTS may be used, as a web page can point a name of its own at 127.0.0.1 (DNS"
                + " rebinding); use http://" + address + ":" + local.port() + " or http://localhost:" + local.port()
                + ", or add the name to STEWARD_ALLOWED_HOSTS (a reverse proxy's, say)");
        MalformedRequests.refuse(context, json.get(), problem);
    }
}
