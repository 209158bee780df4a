package dev.holon.gateway.openapi;

import dev.holon.gateway.routing.ServiceRoute;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springdoc.core.properties.AbstractSwaggerUiConfigProperties.SwaggerUrl;
import org.springdoc.core.properties.SwaggerUiConfigProperties;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One Swagger UI for all of Holon: it lists the gateway's own document ({@code /v3/api-docs}) and, for every
 * service in the route table, the service's document proxied through the gateway ({@code /v3/api-docs/<name>}).
 * The list comes from the route table, so a new service appears without touching this class.
 */
@Configuration(proxyBeanMethods = false)
class AggregatedApiDocs {

    static final String GATEWAY_DOCS = "/v3/api-docs";

    @Bean
    OpenAPI gatewayOpenApi() {
        return new OpenAPI().info(new Info()
                .title("Holon gateway")
                .version("v1")
                .description("Holon's public entry point. The services' APIs are listed separately in Swagger UI; "
                        + "every error is application/problem+json, each problem type has a page under /problems/."));
    }

    @Bean
    InitializingBean swaggerUiServiceList(SwaggerUiConfigProperties swaggerUi, List<ServiceRoute> serviceRoutes) {
        return () -> swaggerUi.setUrls(urls(serviceRoutes));
    }

    static Set<SwaggerUrl> urls(List<ServiceRoute> serviceRoutes) {
        Set<SwaggerUrl> urls = new LinkedHashSet<>();
        urls.add(new SwaggerUrl("gateway", GATEWAY_DOCS, "gateway"));
        for (ServiceRoute route : serviceRoutes) {
            urls.add(new SwaggerUrl(route.docsName(), route.docsPath(), route.service()));
        }
        return urls;
    }
}
