package io.aihub.worker.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.aihub.worker.support.TestTopics;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The start-up check of the ledger topic against the commands topic, on the real broker. */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class LedgerTopicTest {

    private Admin admin;

    @BeforeEach
    void connect() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class)));
    }

    @AfterEach
    void disconnect() {
        admin.close();
    }

    private void create(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                .all().get(30, TimeUnit.SECONDS);
        // Created by the controller is not yet known to every broker's metadata, which the check reads.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.describeTopics(List.of(topic))
                .allTopicNames().get(5, TimeUnit.SECONDS).containsKey(topic));
    }

    @Test
    void the_worker_created_its_ledger_compacted_with_as_many_partitions_as_the_commands_topic() throws Exception {
        String topic = TestTopics.ofRunningApplication().ledger();
        var ledger = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        var config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                .all().get(30, TimeUnit.SECONDS).values().iterator().next();

        assertThat(ledger.partitions()).hasSize(WorkerTestResource.PARTITIONS);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config.get("min.cleanable.dirty.ratio").value()).isEqualTo("0.1");
        assertThat(config.get("segment.ms").value()).isEqualTo("3600000");
    }

    @Test
    void a_ledger_with_fewer_partitions_than_the_commands_topic_is_refused_with_what_to_fix() throws Exception {
        create("mismatch.commands", 3);
        create("mismatch.ledger", 2);

        assertThatThrownBy(() -> LedgerTopic.verify(admin, "mismatch.commands", "mismatch.ledger", true,
                Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the ledger topic 'mismatch.ledger' has 2 partitions but the commands topic"
                        + " 'mismatch.commands' has 3; they must be equal (command partition N keeps its state in"
                        + " ledger partition N)");
    }

    @Test
    void a_ledger_that_deletes_instead_of_compacting_is_refused_with_what_to_fix() throws Exception {
        create("deleting.commands", 2);
        create("deleting.ledger", 2); // the broker's default policy: delete

        assertThatThrownBy(() -> LedgerTopic.verify(admin, "deleting.commands", "deleting.ledger", true,
                Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the ledger topic 'deleting.ledger' has cleanup.policy=delete; it must be compact (without"
                        + " it, the ledger loses the state of commands and runs before the dedupe window ends)");
    }

    @Test
    void a_missing_ledger_is_refused_when_the_worker_may_not_create_it() throws Exception {
        create("nocreate.commands", 2);

        assertThatThrownBy(() -> LedgerTopic.verify(admin, "nocreate.commands", "nocreate.ledger", false,
                Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the ledger topic 'nocreate.ledger' does not exist");
    }

    @Test
    void a_missing_commands_topic_is_refused() {
        assertThatThrownBy(() -> LedgerTopic.verify(admin, "absent.commands", "absent.ledger", true,
                Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the commands topic 'absent.commands' does not exist; create it before starting the worker");
    }
}
