package io.aihub.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only TLS material made with the JDK's keytool under {@code target/}: a CA, a broker key store (SAN
 * {@code localhost} and {@code 127.0.0.1}) and a client key store signed by it, and a trust store holding the CA, all
 * PKCS12 with one password. {@link #close()} removes them.
 */
public final class TestTls implements AutoCloseable {

    private final Path dir;
    private final String password;

    private TestTls(Path dir, String password) {
        this.dir = dir;
        this.password = password;
    }

    /** Makes the CA, the broker's and a client's certificates (about 6 s: nine keytool runs). */
    public static TestTls create() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("target"), "it-tls-").toAbsolutePath();
        TestTls tls = new TestTls(dir, "it-tls-" + Long.toHexString(System.nanoTime()));
        tls.keyPair("ca.p12", "ca", "CN=Test Kafka CA", "-ext", "bc:c");
        tls.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.crt");
        tls.signed("broker", "broker.keystore.p12", "CN=localhost", "san=dns:localhost,ip:127.0.0.1", "serverAuth,clientAuth");
        tls.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "truststore.p12",
                "-storetype", "PKCS12");
        tls.signed("client", "client.keystore.p12", "CN=aihub-run-worker", null, "clientAuth");
        return tls;
    }

    /** A key pair in its own key store, signed by the CA, with the CA's certificate before it in the chain. */
    private void signed(String alias, String store, String dname, String san, String usage)
            throws IOException, InterruptedException {
        keyPair(store, alias, dname);
        keytool("-certreq", "-alias", alias, "-keystore", store, "-file", alias + ".csr");
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile",
                alias + ".csr", "-outfile", alias + ".crt", "-rfc", "-validity", "2", "-ext",
                "ku:c=digitalSignature,keyEncipherment", "-ext", "eku=" + usage));
        if (san != null) {
            sign.addAll(List.of("-ext", san));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", store);
        keytool("-importcert", "-alias", alias, "-file", alias + ".crt", "-keystore", store);
    }

    private void keyPair(String store, String alias, String dname, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", dname, "-keystore", store, "-storetype", "PKCS12"));
        args.addAll(List.of(extra));
        keytool(args.toArray(String[]::new));
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", password));
        Process keytool = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
        }
    }

    /** The one password of every store and key. */
    public String password() {
        return password;
    }

    /** The broker's key store (its certificate chain and key). */
    public Path brokerKeyStore() {
        return dir.resolve("broker.keystore.p12");
    }

    /** The client's key store, for mutual TLS. */
    public Path clientKeyStore() {
        return dir.resolve("client.keystore.p12");
    }

    /** The trust store holding only the CA. */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    @Override
    public void close() {
        KafkaProcess.delete(dir);
    }
}
