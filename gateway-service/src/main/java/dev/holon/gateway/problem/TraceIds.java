package dev.holon.gateway.problem;

import io.micrometer.observation.Observation;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

/** Finds the trace id of the request being answered, so a problem can quote it. */
final class TraceIds {

    private TraceIds() {
    }

    static String of(ServerWebExchange exchange) {
        return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(TraceIds::traceId)
                .orElse(null);
    }

    private static String traceId(Observation.Context context) {
        TracingObservationHandler.TracingContext tracing = context.get(TracingObservationHandler.TracingContext.class);
        if (tracing == null || tracing.getSpan() == null) {
            return null;
        }
        String traceId = tracing.getSpan().context().traceId();
        return traceId == null || traceId.isEmpty() ? null : traceId;
    }
}
