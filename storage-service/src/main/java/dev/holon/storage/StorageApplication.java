package dev.holon.storage;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The file namespace: files cut into chunks, replicated on the workers, repaired when nodes fail. */
@SpringBootApplication
@EnableConfigurationProperties(StorageProperties.class)
public class StorageApplication {

    public static void main(String[] args) {
        SpringApplication.run(StorageApplication.class, args);
    }
}
