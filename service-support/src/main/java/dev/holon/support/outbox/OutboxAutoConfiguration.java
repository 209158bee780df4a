package dev.holon.support.outbox;

import dev.holon.support.kafka.Envelopes;
import dev.holon.support.kafka.ProcessedEvents;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Map;

/** The outbox and consumer dedupe, for services that have both a database and Kafka. */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration"})
@ConditionalOnClass({JdbcClient.class, KafkaTemplate.class})
@ConditionalOnBean({DataSource.class, KafkaProperties.class})
public class OutboxAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Outbox outbox(DataSource dataSource, Envelopes envelopes, ObjectProvider<OutboxRelay> relay) {
        return new Outbox(JdbcClient.create(dataSource), envelopes, () -> relay.ifAvailable(OutboxRelay::wake));
    }

    @Bean
    @ConditionalOnMissingBean
    OutboxRelay outboxRelay(DataSource dataSource, PlatformTransactionManager transactionManager,
            KafkaProperties kafkaProperties, @Value("${holon.outbox.batch-size:500}") int batchSize) {
        Map<String, Object> producer = kafkaProperties.buildProducerProperties();
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        var factory = new DefaultKafkaProducerFactory<>(producer, new StringSerializer(), new ByteArraySerializer());
        return new OutboxRelay(JdbcClient.create(dataSource), new TransactionTemplate(transactionManager),
                new KafkaTemplate<>(factory), batchSize);
    }

    @Bean
    @ConditionalOnMissingBean
    ProcessedEvents processedEvents(DataSource dataSource,
            @Value("${holon.events.dedupe-retention:P7D}") Duration retention) {
        return new ProcessedEvents(JdbcClient.create(dataSource), retention);
    }
}
