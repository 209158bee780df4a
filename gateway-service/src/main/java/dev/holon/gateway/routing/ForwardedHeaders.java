package dev.holon.gateway.routing;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Tells the downstream who called and how: {@code X-Forwarded-For/-Proto/-Host/-Port}. Runs after Spring
 * Cloud Gateway's own X-Forwarded handling, which drops such headers from untrusted clients (all clients,
 * unless {@code spring.cloud.gateway.server.webflux.trusted-proxies} is set) and appends to them for trusted
 * proxies; this filter fills in whatever is still missing, so services always learn the caller's address and
 * the public host, and a client can never forge them.
 */
public final class ForwardedHeaders implements HttpHeadersFilter, Ordered {

    @Override
    public int getOrder() {
        return 1;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        URI uri = request.getURI();
        HttpHeaders headers = new HttpHeaders();
        headers.addAll(input);
        InetSocketAddress remote = request.getRemoteAddress();
        if (!headers.containsHeader("X-Forwarded-For") && remote != null) {
            headers.set("X-Forwarded-For", remote.getAddress() != null
                    ? remote.getAddress().getHostAddress() : remote.getHostString());
        }
        String scheme = uri.getScheme() != null ? uri.getScheme() : "http";
        if (!headers.containsHeader("X-Forwarded-Proto")) {
            headers.set("X-Forwarded-Proto", scheme);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equals(scheme) ? 443 : 80);
        if (!headers.containsHeader("X-Forwarded-Host") && uri.getHost() != null) {
            boolean defaultPort = ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
            headers.set("X-Forwarded-Host", defaultPort ? uri.getHost() : uri.getHost() + ":" + port);
        }
        if (!headers.containsHeader("X-Forwarded-Port")) {
            headers.set("X-Forwarded-Port", Integer.toString(port));
        }
        return headers;
    }
}
