package io.aihub.worker.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.aihub.worker.command.DeadLetterHeaders;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.KafkaTopics;
import io.aihub.worker.support.PoisonCorpus;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The whole poison corpus goes through the commands topic interleaved with valid commands: every bad record is
 * dead-lettered with its expected code and its original bytes, every valid command completes, and the consumer
 * stays healthy throughout.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class PoisonPillTest extends KafkaFlowTest {

    /** Health is served on the management interface (root path /q), not on the HTTP port. */
    @TestHTTPResource(value = "/health/live", management = true)
    URL liveUrl;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL readyUrl;

    @Test
    void every_poison_pill_is_dead_lettered_with_its_code_and_valid_commands_around_them_complete() {
        List<PoisonCorpus.Entry> corpus = PoisonCorpus.load();
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            PoisonCorpus.Entry entry = corpus.get(i);
            topics.send("poison-" + i, entry.value(), entry.headers());
            if (i % 4 == 0) {
                String id = "between-poison-" + i;
                valid.add(id);
                topics.send(id, "{\"command_id\": \"" + id + "\", \"app_name\": \"steady\", \"batch_id\": 1}");
            }
        }

        List<String> healthSeen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            healthSeen.add(given().get(liveUrl).then().extract().path("status"));
            healthSeen.add(given().get(readyUrl).then().extract().path("status"));
            boolean allDead = true;
            for (int i = 0; i < corpus.size(); i++) {
                allDead &= !topics.deadLettersWithKey("poison-" + i).isEmpty();
            }
            return allDead && valid.stream().allMatch(id -> topics.eventsFor(id).stream()
                    .anyMatch(CloudEventRecord::isTerminal));
        });

        for (int i = 0; i < corpus.size(); i++) {
            PoisonCorpus.Entry entry = corpus.get(i);
            List<ConsumerRecord<byte[], byte[]>> dead = topics.deadLettersWithKey("poison-" + i);
            assertThat(dead).as(entry.name()).hasSize(1);
            assertThat(KafkaTopics.header(dead.get(0), DeadLetterHeaders.ERROR_CODE)).as(entry.name()).isEqualTo(entry.code());
            assertThat(dead.get(0).value()).as(entry.name()).isEqualTo(entry.value());
            entry.headers().forEach(
                    (name, value) -> assertThat(KafkaTopics.header(dead.get(0), name)).as(entry.name()).isEqualTo(value));
        }
        for (String id : valid) {
            assertThat(topics.eventsFor(id)).extracting(CloudEventRecord::type)
                    .containsExactly("aihub.run.submitted", "aihub.run.completed");
        }
        assertThat(healthSeen).isNotEmpty().containsOnly("UP");
    }
}
