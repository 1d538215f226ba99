package io.aihub.worker.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What a restore takes from a ledger partition that holds writes of two owners, read from the real broker: the
 * newest snapshot by revision, never the last one written, and an unreadable record as the end of its command.
 * Only ended commands win here, so no restore of another test resumes or searches for them.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class LedgerRestoreRulesTest extends KafkaFlowTest {

    private static final Duration READ = Duration.ofSeconds(30);
    private static final int PARTITION = 2;

    @Inject
    LedgerReader reader;

    private static String snapshot(String id, String state, long revision) {
        long now = Instant.now().toEpochMilli();
        return "{\"version\": 1, \"command_id\": \"" + id + "\", \"state\": \"" + state + "\", \"status\": "
                + (state.equals("ENDED") ? "\"COMPLETE\"" : "null") + ", \"sequence\": "
                + (state.equals("ENDED") ? 3 : 0) + ", \"revision\": " + revision + ", \"attempts\": 1,"
                + " \"first_attempt_at\": " + now + ", \"ib_context\": \"sim-org\", \"app_name\": \"rules-app\","
                + " \"batch_id\": 1, \"updated_at\": " + now + "}";
    }

    private LedgerReader.Contents restore() {
        return reader.readContents(PARTITION, READ);
    }

    @Test
    void a_late_write_of_an_earlier_owner_never_moves_a_command_backwards() {
        String id = "rules-late-write";
        topics.writeLedger(PARTITION, id, snapshot(id, "ENDED", 3));
        topics.writeLedger(PARTITION, id, snapshot(id, "SUBMITTING", 2)); // the earlier owner's write, landing last

        LedgerReader.Contents contents = restore();

        assertThat(contents.records().get(id)).extracting(LedgerRecord::state, LedgerRecord::revision)
                .containsExactly(LedgerRecord.State.ENDED, 3L);
        assertThat(contents.shadowed()).contains(id); // written again, so that compaction keeps the newest
    }

    @Test
    void two_owners_writing_the_same_revision_leave_the_command_at_the_state_further_along_in_either_order() {
        String endedFirst = "rules-tie-ended-first";
        String endedLast = "rules-tie-ended-last";
        topics.writeLedger(PARTITION, endedFirst, snapshot(endedFirst, "ENDED", 2));
        topics.writeLedger(PARTITION, endedFirst, snapshot(endedFirst, "SUBMITTING", 2));
        topics.writeLedger(PARTITION, endedLast, snapshot(endedLast, "SUBMITTING", 2));
        topics.writeLedger(PARTITION, endedLast, snapshot(endedLast, "ENDED", 2));

        LedgerReader.Contents contents = restore();

        assertThat(contents.records().get(endedFirst).state()).isEqualTo(LedgerRecord.State.ENDED);
        assertThat(contents.records().get(endedLast).state()).isEqualTo(LedgerRecord.State.ENDED);
        assertThat(contents.shadowed()).contains(endedFirst).doesNotContain(endedLast);
    }

    @Test
    void a_record_this_version_cannot_read_ends_its_command_so_no_record_with_its_id_starts_a_run() {
        String id = "rules-unreadable";
        topics.writeLedger(PARTITION, id, snapshot(id, "SUBMITTING", 1));
        topics.writeLedger(PARTITION, id, "{\"version\": 99, \"state\": [\"written by a later version\""); // not JSON

        LedgerRecord record = restore().records().get(id);

        assertThat(record.state()).isEqualTo(LedgerRecord.State.ENDED);
        assertThat(record.status()).isEqualTo(LedgerReader.UNREADABLE);
    }
}
