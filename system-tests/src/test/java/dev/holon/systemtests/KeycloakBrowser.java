package dev.holon.systemtests;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A person approving a device login in Keycloak's real pages, with an HTTP client that keeps cookies: open the
 * verification URL, fill the login form, grant the consent, until "Device Login Successful". Forms are found by
 * their ids and field names in Keycloak's login theme (keycloak.v2), not by page positions.
 */
final class KeycloakBrowser {

    private static final Pattern LOGIN_FORM = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");
    private static final Pattern CONSENT_FORM = Pattern.compile("<form[^>]*action=\"([^\"]*login-actions/consent[^\"]*)\"");
    private static final Pattern CODE = Pattern.compile("<input[^>]*name=\"code\"[^>]*value=\"([^\"]*)\"");

    // Cookies by hand: Keycloak marks its cookies Secure, which java.net.CookieManager never sends over plain http
    // (a browser does, to localhost).
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> cookies = new LinkedHashMap<>();

    /** Approves the device login at {@code verificationUrl} as {@code username}; returns the last page's text. */
    String approve(String verificationUrl, String username, String password) throws IOException, InterruptedException {
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(verificationUrl)).GET());
        for (int step = 0; step < 5; step++) {
            String html = page.body();
            if (html.contains("Device Login Successful")) {
                return html;
            }
            Matcher login = LOGIN_FORM.matcher(html);
            Matcher consent = CONSENT_FORM.matcher(html);
            if (login.find()) {
                page = post(page.uri(), login.group(1), Map.of("username", username, "password", password, "credentialId", ""));
            } else if (consent.find()) {
                Matcher code = CODE.matcher(html);
                if (!code.find()) {
                    throw new AssertionError("consent page without a code: " + html);
                }
                page = post(page.uri(), consent.group(1), Map.of("code", code.group(1), "accept", "Yes"));
            } else {
                throw new AssertionError("unexpected Keycloak page " + page.uri() + ": "
                        + html.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " "));
            }
        }
        throw new AssertionError("device login not approved after 5 pages: " + page.uri());
    }

    private HttpResponse<String> post(URI base, String action, Map<String, String> fields)
            throws IOException, InterruptedException {
        String form = new LinkedHashMap<>(fields).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI target = base.resolve(action.replace("&amp;", "&"));
        return send(HttpRequest.newBuilder(target).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    /** Sends with the cookies kept so far, keeps the new ones, follows redirects (as GET). */
    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        for (int hop = 0; hop < 10; hop++) {
            if (!cookies.isEmpty()) {
                request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("; ")));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String setCookie : response.headers().allValues("Set-Cookie")) {
                String pair = setCookie.split(";", 2)[0];
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String value = pair.substring(eq + 1);
                    if (value.isEmpty() || setCookie.toLowerCase().contains("max-age=0")) {
                        cookies.remove(pair.substring(0, eq));
                    } else {
                        cookies.put(pair.substring(0, eq), value);
                    }
                }
            }
            int status = response.statusCode();
            if (status / 100 != 3) {
                return response;
            }
            URI next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
            request = HttpRequest.newBuilder(next).GET();
        }
        throw new AssertionError("too many redirects");
    }
}
