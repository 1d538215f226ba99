package io.aihub.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.aihub.simulator.SimulatorServer;
import io.aihub.simulator.SimulatorSettings;
import io.aihub.testkit.KafkaProcess;
import io.aihub.testkit.TestTls;
import io.aihub.testkit.WorkerProcess;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.support.AdminRawPaths;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.KafkaTopics;
import io.aihub.worker.support.TestTopics;
import io.vertx.core.Vertx;

/**
 * The packaged worker as a platform team runs it: a broker whose clients authenticate with SCRAM-SHA-512 over TLS
 * and must present a client certificate, ACLs exactly as {@code deploy/kubernetes/kafka-users.yaml} grants them (no
 * topic creation), every setting from environment variables, the admin endpoints off (the default). A command
 * completes over that connection, a command outside the folder allow-list is refused, the replay tool replays it with
 * its own user, the listener refuses a wrong password and a missing certificate, no spelling of an admin path reaches
 * the disabled endpoints, and the worker refuses to start with them enabled and no token. The test's own clients use
 * the broker's PLAINTEXT loopback listener as a super user.
 */
class SecuredDeploymentIT {

    private static final int PARTITIONS = 2;
    private static final String TOKEN = "it-secured-token";
    private static final String WORKER_USER = "aihub-run-worker";
    private static final String REPLAY_USER = "aihub-run-worker-replay";
    private static final Map<String, String> PASSWORDS = Map.of(WORKER_USER, "worker-pw-4c1e", REPLAY_USER,
            "replay-pw-9b2d");
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private static Path logs;
    private static TestTls tls;
    private static KafkaProcess kafka;
    private static Vertx vertx;
    private static SimulatorServer simulator;
    private static WorkerProcess worker;
    private static KafkaTopics topics;

    @BeforeAll
    static void startSecuredBrokerAndWorker() throws Exception {
        logs = Files.createDirectories(Path.of("target/it-logs").toAbsolutePath());
        tls = TestTls.create();
        kafka = KafkaProcess.start(PARTITIONS, new KafkaProcess.SaslSsl(tls, PASSWORDS, true));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
            TestTopics t = TestTopics.DEFAULTS;
            List<NewTopic> created = new ArrayList<>(Stream.of(t.commands(), t.events(), t.deadLetters(), t.results())
                    .map(name -> new NewTopic(name, Optional.of(PARTITIONS), Optional.empty())).toList());
            created.add(new NewTopic(t.ledger(), Optional.of(PARTITIONS), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact")));
            admin.createTopics(created).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(aclsOfTheKafkaUsers()).all().get(30, TimeUnit.SECONDS);
        }
        vertx = Vertx.vertx();
        simulator = new SimulatorServer(vertx, SimulatorSettings.builder().token(TOKEN)
                .phaseDuration(Duration.ofMillis(500)).build());
        simulator.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        worker = new WorkerProcess("secured-worker", Map.of(), workerEnvironment(WORKER_USER), List.of(), logs).start();
        worker.awaitReady(Duration.ofSeconds(120));
        topics = new KafkaTopics(kafka.bootstrap(), TestTopics.DEFAULTS);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (topics != null) {
            topics.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (simulator != null) {
            simulator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    /** What a container of the chart gets: Kafka and AI Hub settings as environment variables only. */
    private static Map<String, String> workerEnvironment(String user) {
        Map<String, String> env = new HashMap<>(kafkaEnvironment(user, PASSWORDS.get(user)));
        env.put("AIHUB_API_ROOT", "http://127.0.0.1:" + simulator.port() + "/api");
        env.put("AIHUB_API_TOKEN", TOKEN);
        env.put("AIHUB_IB_CONTEXT", "sim-org");
        env.put("AIHUB_ALLOWED_FOLDER_PREFIXES", "/sim-org/ws/fs/drive/in,/sim-org/ws/fs/drive/out");
        // The KafkaUser has no Create: the ledger exists, as topics.yaml would have made it.
        env.put("WORKER_LEDGER_CREATE_TOPIC", "false");
        env.put("WORKER_TRACKING_POLL_INITIAL", "200ms");
        env.put("WORKER_TRACKING_POLL_MAX", "500ms");
        return env;
    }

    private static Map<String, String> kafkaEnvironment(String user, String password) {
        return Map.ofEntries(Map.entry("KAFKA_BOOTSTRAP_SERVERS", kafka.securedBootstrap()),
                Map.entry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
                Map.entry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
                Map.entry("KAFKA_SASL_JAAS_CONFIG", jaas(user, password)),
                Map.entry("KAFKA_SSL_TRUSTSTORE_LOCATION", tls.trustStore().toString()),
                Map.entry("KAFKA_SSL_TRUSTSTORE_PASSWORD", tls.password()),
                Map.entry("KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12"),
                Map.entry("KAFKA_SSL_KEYSTORE_LOCATION", tls.clientKeyStore().toString()),
                Map.entry("KAFKA_SSL_KEYSTORE_PASSWORD", tls.password()),
                Map.entry("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12"));
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    /** The ACLs of every KafkaUser in deploy/kubernetes/kafka-users.yaml, for the principal Strimzi would give it. */
    private static List<AclBinding> aclsOfTheKafkaUsers() throws Exception {
        List<AclBinding> bindings = new ArrayList<>();
        try (var users = new YAMLMapper().readerFor(JsonNode.class)
                .readValues(Path.of("deploy/kubernetes/kafka-users.yaml").toFile())) {
            while (users.hasNext()) {
                JsonNode user = (JsonNode) users.next();
                boolean tlsUser = user.path("spec").path("authentication").path("type").asText().equals("tls");
                String principal = "User:" + (tlsUser ? "CN=" : "") + user.path("metadata").path("name").asText();
                for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                    JsonNode resource = acl.path("resource");
                    ResourcePattern pattern = new ResourcePattern(ResourceType.fromString(constant(resource.path("type")
                            .asText())), resource.path("name").asText(),
                            resource.path("patternType").asText("literal").equals("prefix") ? PatternType.PREFIXED
                                    : PatternType.LITERAL);
                    for (JsonNode operation : acl.path("operations")) {
                        bindings.add(new AclBinding(pattern, new AccessControlEntry(principal, acl.path("host").asText("*"),
                                AclOperation.fromString(constant(operation.asText())), AclPermissionType.ALLOW)));
                    }
                }
            }
        }
        return bindings;
    }

    /** {@code DescribeConfigs} as the client's enum spells it, {@code DESCRIBE_CONFIGS}. */
    private static String constant(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    private static String command(String id, String inputDir) {
        return "{\"command_id\": \"" + id + "\", \"app_name\": \"secured-app\", \"input_dir\": \"" + inputDir
                + "\", \"output_dir\": \"/sim-org/ws/fs/drive/out/" + id + "\"}";
    }

    @Test
    void a_command_completes_over_sasl_ssl_with_a_client_certificate_and_only_its_users_acls() {
        topics.send("secured-ok", command("secured-ok", "/sim-org/ws/fs/drive/in/2026-12"));

        List<CloudEventRecord> events = topics.awaitTerminalEvent("secured-ok", DEADLINE);

        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submitted",
                "aihub.run.completed");
        assertThat(simulator.runsCreatedWithTag(RunCommand.runTag("secured-ok"))).isEqualTo(1);
        assertThat(topics.ledgerFor("secured-ok")).extracting(r -> r.get("state").asText())
                .containsExactly("SUBMITTING", "TRACKING", "ENDED");
    }

    @Test
    void a_command_outside_the_folder_allow_list_is_refused_and_the_replay_tool_replays_it_with_its_own_user()
            throws Exception {
        topics.send("secured-outside", command("secured-outside", "/other-org/ws/fs/drive/in"));
        ConsumerRecord<byte[], byte[]> dead = topics.awaitDeadLetter("secured-outside", DEADLINE);
        List<CloudEventRecord> events = topics.awaitTerminalEvent("secured-outside", DEADLINE);

        assertThat(KafkaTopics.header(dead, "aihub-error-code")).isEqualTo("FOLDER_NOT_ALLOWED");
        assertThat(KafkaTopics.header(dead, "dead-letter-reason"))
                .isEqualTo("FOLDER_NOT_ALLOWED: input_dir: not in a folder of aihub.allowed-folder-prefixes");
        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.rejected");
        assertThat(simulator.runsCreatedWithTag(RunCommand.runTag("secured-outside"))).isZero();

        Map<String, String> replayEnvironment = new HashMap<>(workerEnvironment(REPLAY_USER));
        WorkerProcess.Result replay = new WorkerProcess("secured-replay", Map.of(), replayEnvironment,
                List.of("replay", "--command-id", "secured-outside"), logs).runToExit(Duration.ofSeconds(120));

        assertThat(replay.exitCode()).as(replay.output()).isZero();
        assertThat(replay.output()).contains("scanned=1 selected=1 replayed=1");
        await().atMost(DEADLINE).until(() -> commandRecords("secured-outside").stream()
                .anyMatch(r -> r.headers().lastHeader("aihub-replayed-from") != null));
    }

    @Test
    void the_secured_listener_refuses_a_wrong_password_and_a_client_without_its_certificate() {
        Map<String, Object> wrongPassword = clientConfig(jaas(WORKER_USER, "not-the-password"), true);
        Map<String, Object> noCertificate = clientConfig(jaas(WORKER_USER, PASSWORDS.get(WORKER_USER)), false);

        assertThat(describeCluster(wrongPassword)).isInstanceOf(SaslAuthenticationException.class);
        assertThat(describeCluster(noCertificate)).isInstanceOf(SslAuthenticationException.class);
        assertThat(describeCluster(clientConfig(jaas(WORKER_USER, PASSWORDS.get(WORKER_USER)), true))).isNull();
    }

    @Test
    void no_spelling_of_an_admin_path_reaches_the_disabled_endpoints_with_or_without_a_token() {
        var statuses = AdminRawPaths.measure(worker.httpPort(), "any-token");

        assertThat(statuses).hasSize(AdminRawPaths.PROBES.size())
                .allSatisfy((probe, byCredential) -> assertThat(byCredential.values()).as(probe.toString())
                        .containsOnly(404));
    }

    @Test
    void the_worker_refuses_to_start_with_the_admin_endpoints_enabled_and_no_token() throws Exception {
        Map<String, String> environment = new HashMap<>(workerEnvironment(WORKER_USER));
        environment.put("WORKER_ADMIN_ENABLED", "true");

        WorkerProcess.Result refused = new WorkerProcess("secured-admin-no-token", Map.of(), environment, List.of(), logs)
                .runToExit(Duration.ofSeconds(60));

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("worker.admin.enabled=true needs worker.admin.token (WORKER_ADMIN_TOKEN)");
    }

    private Map<String, Object> clientConfig(String jaas, boolean withCertificate) {
        Map<String, Object> config = new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.securedBootstrap(), CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL",
                SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512", SaslConfigs.SASL_JAAS_CONFIG, jaas,
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.trustStore().toString(),
                SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tls.password(), SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                20_000));
        if (withCertificate) {
            config.putAll(Map.of(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.clientKeyStore().toString(),
                    SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, tls.password(), SslConfigs.SSL_KEYSTORE_TYPE_CONFIG,
                    "PKCS12"));
        }
        return config;
    }

    /** The failure of asking the cluster's ID with {@code config}, or null when it answered. */
    private static Throwable describeCluster(Map<String, Object> config) {
        try (Admin admin = Admin.create(config)) {
            Throwable failure = catchThrowable(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
            return failure instanceof ExecutionException e ? e.getCause() : failure;
        }
    }

    /** The records of the commands topic with this key, read from the beginning through the PLAINTEXT listener. */
    private static List<ConsumerRecord<byte[], byte[]>> commandRecords(String key) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TestTopics.DEFAULTS.commands()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        found.add(r);
                    }
                });
            }
        }
        return found;
    }
}
