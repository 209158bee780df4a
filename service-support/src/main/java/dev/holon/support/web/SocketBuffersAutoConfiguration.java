package dev.holon.support.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;

/**
 * Tomcat moves at most {@code socket.appReadBufSize} / {@code socket.appWriteBufSize} bytes per read or write system
 * call, 8 KiB by default. A service that streams large bodies (a worker's chunks, storage-service's files) sets
 * {@code holon.http.socket-buffer} to move them in fewer, larger calls: on a virtualised host the system call, not
 * the copy, is the expensive part. Every open connection holds buffers of that size, so services that answer small
 * requests keep the default.
 */
@AutoConfiguration
@ConditionalOnClass(TomcatConnectorCustomizer.class)
@ConditionalOnProperty("holon.http.socket-buffer")
public class SocketBuffersAutoConfiguration {

    @Bean
    TomcatConnectorCustomizer streamingSocketBuffers(@Value("${holon.http.socket-buffer}") DataSize size) {
        String bytes = String.valueOf(Math.toIntExact(size.toBytes()));
        return connector -> {
            connector.setProperty("socket.appReadBufSize", bytes);
            connector.setProperty("socket.appWriteBufSize", bytes);
        };
    }
}
