package dev.holon.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;

import java.io.IOException;

/**
 * Turns an error answer of the API (RFC 9457 problem+json, or whatever a proxy answered) into one short line that
 * says what happened and what to do next, and an exit code scripts can switch on (see {@link ExitCodes}).
 */
public final class Problems {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {
    }

    public static int exitCode(int status) {
        return switch (status) {
            case 401, 403 -> ExitCodes.AUTH;
            case 404, 410 -> ExitCodes.NOT_FOUND;
            case 409, 412, 428 -> ExitCodes.CONFLICT;
            case 502, 503, 504 -> ExitCodes.UNREACHABLE;
            default -> ExitCodes.FAILED;
        };
    }

    public static CliException toException(int status, String body, String what) {
        JsonNode problem = parse(body);
        String detail = text(problem, "detail");
        if (detail == null) {
            detail = text(problem, "title");
        }
        StringBuilder fields = new StringBuilder();
        String shown = detail == null ? "" : detail;
        problem.path("errors").forEach(error -> {
            String field = text(error, "field");
            String message = text(error, "message");
            if (message != null && !shown.contains((field == null ? "" : field + " ") + message)) {
                fields.append(fields.isEmpty() ? " (" : "; ").append(field == null ? "" : field + " ").append(message);
            }
        });
        if (!fields.isEmpty()) {
            fields.append(')');
        }
        String message = switch (status) {
            case 401 -> "not logged in or the session expired: run holon login";
            case 403 -> "forbidden: " + orDefault(detail, "your roles do not allow " + what)
                    + " (holon whoami shows your roles)";
            case 404 -> "not found: " + orDefault(detail, what);
            case 409 -> "conflict: " + orDefault(detail, what);
            case 412 -> "changed meanwhile: " + orDefault(detail, what) + ": read it again and retry";
            case 428 -> "precondition required: " + orDefault(detail, what);
            case 429 -> "too many requests: " + orDefault(detail, "slow down") + ": try again in a moment";
            case 502, 503, 504 -> "unavailable: " + orDefault(detail, what + " (HTTP " + status + ")")
                    + ": a service behind the gateway is down or starting; try again shortly (holon status)";
            default -> (status >= 500 ? "server error " : "refused (HTTP " + status + "): ")
                    + orDefault(detail, what) + fields + (status >= 500 ? " (HTTP " + status + "; a bug: the logs"
                    + " of the services say more" + traceId(problem) + ")" : "");
        };
        if (status == 400 || status == 422) {
            message = "invalid: " + orDefault(detail, what) + fields;
        }
        return new CliException(exitCode(status), message);
    }

    private static String traceId(JsonNode problem) {
        String traceId = text(problem, "traceId");
        return traceId == null ? "" : ", trace " + traceId;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank() || !body.stripLeading().startsWith("{")) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
