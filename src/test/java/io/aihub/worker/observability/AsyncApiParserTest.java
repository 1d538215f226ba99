package io.aihub.worker.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/asyncapi.yaml} parses with the official AsyncAPI parser ({@code @asyncapi/parser}, run by
 * {@code src/test/asyncapi/validate.mjs}) without errors; warnings are allowed. The parser is installed from the
 * package lock into {@code target/asyncapi-parser}. Without node and npm the test is skipped, except under
 * {@code CI=true}.
 */
class AsyncApiParserTest {

    private static final Path SOURCES = Path.of("src/test/asyncapi");
    private static final Path WORK = Path.of("target/asyncapi-parser");
    private static final Path DOCUMENT = Path.of("docs/asyncapi.yaml");

    private static Path node;

    @BeforeAll
    static void installTheParser() throws Exception {
        Optional<Path> foundNode = onPath("node");
        Optional<Path> npm = onPath("npm");
        if ((foundNode.isEmpty() || npm.isEmpty()) && "true".equals(System.getenv("CI"))) {
            fail("node and npm must be on the PATH under CI=true: the AsyncAPI document is checked with the official "
                    + "parser (apt-get install -y nodejs npm)");
        }
        Assumptions.assumeTrue(foundNode.isPresent() && npm.isPresent(),
                "node or npm is not on the PATH: the AsyncAPI parser check is skipped");
        node = foundNode.get();
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "validate.mjs")) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(WORK.resolve("node_modules/@asyncapi/parser"))) {
            Result install = run(List.of(npm.get().toString(), "ci", "--no-audit", "--no-fund", "--ignore-scripts"),
                    5);
            assertThat(install.exitCode()).as("npm ci said:%n%s", install.output()).isZero();
        }
    }

    @Test
    void theDocumentParsesWithoutErrors() throws Exception {
        Result parsed = validate(DOCUMENT);

        assertThat(parsed.exitCode()).as("the parser said:%n%s", parsed.output()).isZero();
        assertThat(parsed.output()).contains("AsyncAPI 3.0.0, 0 errors");
    }

    @Test
    void aDocumentWithABrokenReferenceFailsTheCheck() throws Exception {
        // The same check must be able to fail: an operation naming a message its channel does not have.
        Path broken = WORK.resolve("broken-asyncapi.yaml");
        Files.writeString(broken, Files.readString(DOCUMENT)
                .replace("#/channels/events/messages/statusEvent", "#/channels/events/messages/noSuchMessage"));

        Result parsed = validate(broken);

        assertThat(parsed.exitCode()).isNotZero();
        assertThat(parsed.output()).contains("error");
    }

    private static Result validate(Path document) throws Exception {
        return run(List.of(node.toString(), "validate.mjs", document.toAbsolutePath().toString()), 2);
    }

    private static Result run(List<String> command, int minutes) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("%s did not finish within %d minutes:%n%s", command, minutes, output);
        }
        return new Result(process.exitValue(), output);
    }

    private static Optional<Path> onPath(String program) {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable).findFirst();
    }

    private record Result(int exitCode, String output) {
    }
}
