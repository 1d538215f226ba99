package io.aihub.worker.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The worker's own settings: topics, event source, limits and the polling schedule. */
@ConfigMapping(prefix = "worker")
public interface WorkerConfig {

    /** Topic names. */
    Topics topic();

    /** CloudEvents {@code source} of every event. Default {@code urn:aihub-run-worker}. */
    @WithDefault("urn:aihub-run-worker")
    URI eventSource();

    /** Kafka consumer group of the commands channel. Default {@code aihub-run-worker}. */
    @WithDefault("aihub-run-worker")
    String groupId();

    /** CloudEvents mode of the events topic: {@code binary} or {@code structured}. Default {@code binary}. */
    @WithDefault("binary")
    String eventMode();

    /**
     * A command record left unacknowledged longer than this marks the consumer unhealthy (SmallRye's throttled
     * commit strategy). Must exceed the longest submission. Default 15 minutes.
     */
    @WithDefault("900000")
    long unprocessedRecordMaxAgeMs();

    /** Command submissions in flight at once in this replica; a full window pauses fetching. Default 256. */
    @WithDefault("256")
    int maxInFlight();

    /** Commands waiting in backoff outside the in-flight window. Default 1024. */
    @WithDefault("1024")
    int maxInBackoff();

    /**
     * With {@code ordering=key}, records of one key that may wait behind it before its partition's fetching pauses:
     * the last of them waits this many commands' time, which must stay below {@code unprocessed-record-max-age}.
     * Default 32.
     */
    @WithDefault("32")
    int maxWaitingPerKey();

    /** Limits applied to incoming commands. */
    Limits limits();

    /** How command secrets are kept out of what the worker writes. */
    Secrets secrets();

    /** Masking of command secrets. */
    interface Secrets {
        /**
         * Key of the fingerprints the ledger keeps of each command's secrets, so that a run resumed after a restart
         * still masks them in AI Hub's messages; at least 32 characters, the same on every replica
         * ({@code WORKER_SECRETS_FINGERPRINT_KEY}). Absent (the default): derived from the AI Hub token, so a new
         * token leaves runs recorded before it masked of the token only.
         */
        Optional<String> fingerprintKey();
    }

    /** How runs are followed. */
    Tracking tracking();

    /** How failed submissions are retried. */
    Retry retry();

    /** Graceful shutdown. */
    Shutdown shutdown();

    /** Fencing of a replica whose group membership may be stale. */
    Fencing fencing();

    /** Fencing of a replica whose group membership may be stale (design.md, "Zombies"). */
    interface Fencing {
        /**
         * A pause of this JVM longer than this (a long GC, SIGSTOP) suspends every POST, ledger write, event and
         * acknowledgement until the group confirms membership; must be well below {@code session.timeout.ms}.
         * Default 5 s.
         */
        @WithDefault("5s")
        Duration maxPause();
    }

    /** Graceful shutdown. */
    interface Shutdown {
        /** Longest wait on SIGTERM for submissions in flight to reach their outcome. Default 20 s. */
        @WithDefault("20s")
        Duration drainTimeout();
    }

    /** The ledger: durable state of every command. */
    LedgerSettings ledger();

    /** Ledger topic management, dedupe window and restore limits. */
    interface LedgerSettings {
        /** Create the ledger topic at start-up when it is missing. Default true. */
        @WithDefault("true")
        boolean createTopic();

        /** Replication factor of a ledger topic the worker creates; absent: the broker's default. */
        Optional<Short> replicationFactor();

        /** How long an ended command is remembered to drop duplicates. Default 7 days. */
        @WithDefault("P7D")
        Duration dedupeWindow();

        /** How often ended commands older than the window are removed with tombstones. Default 1 hour. */
        @WithDefault("1h")
        Duration cleanupInterval();

        /** Longest time to read one ledger partition on assignment. Default 2 minutes. */
        @WithDefault("2m")
        Duration restoreTimeout();
    }

    /**
     * Retries of a submission: exponential backoff with full jitter, {@code Retry-After} honoured up to a ceiling,
     * bounded by a count and an elapsed time. After an unknown outcome, "no run exists" is decided only once the
     * last POST's request timeout plus {@link #settleTime()} has passed.
     */
    interface Retry {
        /** Most POSTs for one command, the first included. Default 6. */
        @WithDefault("6")
        int maxAttempts();

        /** Base delay before the second attempt. Default 500 ms. */
        @WithDefault("500ms")
        Duration initialDelay();

        /** Growth of the base delay per attempt. Default 2. */
        @WithDefault("2")
        double multiplier();

        /** Largest base delay. Default 30 s. */
        @WithDefault("30s")
        Duration maxDelay();

        /** No new attempt starts later than this after the first. Default 5 min. */
        @WithDefault("5m")
        Duration maxElapsed();

        /** Largest {@code Retry-After} honoured; a longer one is cut to this. Default 60 s. */
        @WithDefault("60s")
        Duration retryAfterCeiling();

        /** Extra time a run created by a lost POST may take to appear in List runs. Default 10 s. */
        @WithDefault("10s")
        Duration settleTime();

        /** Margin added to both ends of the List runs window when looking for a run by its tag. Default 5 min. */
        @WithDefault("5m")
        Duration reconcileWindowMargin();

        /**
         * Runs asked for per List runs page when looking for runs by their tags. Default 1000: a search pages the
         * whole window when the run is not there, and after a take-over many do; an AI Hub that serves fewer per page
         * is paged on until an empty page all the same.
         */
        @WithDefault("1000")
        int reconcilePageSize();
    }

    /** Topic names; each can be set by its own environment variable, e.g. {@code WORKER_TOPIC_COMMANDS}. */
    interface Topics {
        /** Incoming run commands. Default {@code aihub.run.commands}. */
        @WithDefault("aihub.run.commands")
        String commands();

        /** Outgoing status events. Default {@code aihub.run.events}. */
        @WithDefault("aihub.run.events")
        String events();

        /** Dead letters. Default {@code aihub.run.commands.dlq}. */
        @WithDefault("aihub.run.commands.dlq")
        String deadLetters();

        /** The worker's compacted ledger, one partition per commands partition. Default {@code aihub.run.ledger}. */
        @WithDefault("aihub.run.ledger")
        String ledger();

        /** Run results of commands that ask for them. Default {@code aihub.run.results}. */
        @WithDefault("aihub.run.results")
        String results();
    }

    /** Limits on what a command may hold. */
    interface Limits {
        /** Largest accepted record value in bytes. Default 1 MiB. */
        @WithDefault("1048576")
        int maxCommandBytes();

        /** Deepest accepted JSON nesting. Default 32. */
        @WithDefault("32")
        int maxJsonDepth();

        /** Most entries in {@code metadata}. Default 32. */
        @WithDefault("32")
        int maxMetadataEntries();

        /** Longest {@code metadata} key or value. Default 1024 characters. */
        @WithDefault("1024")
        int maxMetadataValueLength();
    }

    /** Adaptive polling of a run's status. */
    interface Tracking {
        /** First poll after submission, and after each status change. Default 2 s. */
        @WithDefault("2s")
        Duration pollInitial();

        /** Growth of the interval while the status stays the same. Default 2 (a 10-minute run: 15 calls). */
        @WithDefault("2")
        double pollMultiplier();

        /** Longest interval between two polls of a running run. Default 60 s. */
        @WithDefault("60s")
        Duration pollMax();

        /** Interval while a run waits at a checkpoint for human review. Default 5 min. */
        @WithDefault("5m")
        Duration checkpointPollInterval();

        /** Share of random jitter added to each interval, 0–1. Default 0.1. */
        @WithDefault("0.1")
        double jitter();

        /** After this long without a terminal status the command ends as TRACKING_FAILED. Default 30 days. */
        @WithDefault("P30D")
        Duration maxTrackingTime();

        /** Above this many tracked runs, runs are refreshed in bulk through List runs. Default 50. */
        @WithDefault("50")
        int bulkThreshold();

        /** Interval between two bulk refreshes. Default 15 s. */
        @WithDefault("15s")
        Duration bulkInterval();

        /** Runs per List runs page of a bulk refresh; an AI Hub serving fewer is paged on. Default 1000. */
        @WithDefault("1000")
        int bulkPageSize();

        /** Most pages per app or deployment in one bulk refresh; runs beyond fall back to their own GET. Default 200. */
        @WithDefault("200")
        int bulkMaxPages();

        /** Most runs tracked at once; above it intake pauses (back-pressure). Default 150000. */
        @WithDefault("150000")
        int maxRuns();
    }

    /**
     * Order of submissions: {@code unordered} (default) runs commands in parallel; {@code key} submits commands
     * with the same Kafka key one after another (the next after the previous one's outcome).
     */
    @WithDefault("unordered")
    Ordering ordering();

    /** Submission order. */
    enum Ordering {
        /** Any order, in parallel. */
        UNORDERED,
        /** One at a time per Kafka key. */
        KEY
    }

    /** The token bucket shared by every call to AI Hub. */
    RateLimit rateLimit();

    /**
     * Calls to AI Hub per second from this replica. The AI Hub budget is per organisation and shared by all
     * replicas (and other clients): set it to the replica's share.
     */
    interface RateLimit {
        /** Calls per second, and the most in any 1-second window. Default 50. */
        @WithDefault("50")
        double requestsPerSecond();

        /** Tokens the bucket holds (calls that may go back to back after a quiet time). Default 10. */
        @WithDefault("10")
        int burst();

        /** Share of the calls kept for polls and lists while submissions wait too, 0–1. Default 0.2. */
        @WithDefault("0.2")
        double pollMinShare();

        /** On a 429 the rate is multiplied by this. Default 0.5. */
        @WithDefault("0.5")
        double decreaseFactor();

        /** The rate never drops below this. Default 1. */
        @WithDefault("1")
        double minRequestsPerSecond();

        /** Calls per second added back per recovery interval after a decrease. Default 5. */
        @WithDefault("5")
        double recoveryStep();

        /** Interval of additive recovery. Default 1 s. */
        @WithDefault("1s")
        Duration recoveryInterval();

        /** Most calls waiting for a token; beyond it a call fails as transient. Default 200000. */
        @WithDefault("200000")
        int maxWaiting();
    }

    /** Detection of an AI Hub outage, which pauses intake and freezes retries. */
    Outage outage();

    /** Outage detection: a sliding window over the outcomes of the last AI Hub calls. */
    interface Outage {
        /** Calls in the window. Default 20. */
        @WithDefault("20")
        int window();

        /** Fewest failed calls in the window to declare an outage. Default 10. */
        @WithDefault("10")
        int minFailures();

        /** Share of failed calls in the window that declares an outage. Default 0.5. */
        @WithDefault("0.5")
        double failureRatio();

        /** Interval of the probe (a one-run List runs) while in an outage. Default 5 s. */
        @WithDefault("5s")
        Duration probeInterval();
    }
}
