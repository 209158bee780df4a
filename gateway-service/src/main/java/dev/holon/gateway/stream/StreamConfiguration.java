package dev.holon.gateway.stream;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;

import java.util.Properties;
import java.util.UUID;

/**
 * Feeds the dashboard stream from Kafka: node lifecycle facts, node heartbeats (usage) and task facts. Each
 * gateway replica consumes in a group of its own, from the latest offset, so every replica sees every fact;
 * what happened before it started comes to the browser over the REST APIs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "holon.gateway.stream.enabled", havingValue = "true", matchIfMissing = true)
class StreamConfiguration {

    @Bean
    DashboardStream dashboardStream(StreamProperties properties) {
        return new DashboardStream(properties);
    }

    @Bean
    KafkaMessageListenerContainer<String, EventEnvelope<Object>> dashboardFacts(
            ConsumerFactory<String, EventEnvelope<Object>> consumers, StreamProperties properties,
            DashboardStream stream) {
        ContainerProperties container = new ContainerProperties(
                Topics.NODE_EVENTS, Topics.NODE_HEARTBEATS, Topics.TASK_EVENTS);
        container.setGroupId(properties.groupPrefix() + "-" + UUID.randomUUID());
        Properties consumer = new Properties();
        consumer.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // a group of its own that starts at the latest: committed offsets serve nothing, commit rarely
        consumer.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        consumer.setProperty(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "30000");
        container.setKafkaConsumerProperties(consumer);
        container.setMessageListener((MessageListener<String, EventEnvelope<Object>>) record -> {
            if (record.value() != null) {
                stream.offer(record.value());
            }
        });
        return new KafkaMessageListenerContainer<>(consumers, container);
    }
}
