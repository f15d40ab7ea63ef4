package io.tokenguard.it.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS material of the security suite, made at test time with the JDK's keytool: the IdP's server
 * certificate (for 127.0.0.1), a trust store holding it, and one client certificate per user
 * ({@code CN=alice}, {@code CN=bob}). One PKCS12 file each in a directory; the child JVM reads them
 * from there ({@link #clientContext}, {@link #trustManager}).
 */
final class TlsFiles {
    static final String PASSWORD = "changeit";
    static final String SERVER = "server";
    static final String TRUST = "trust";

    private TlsFiles() {
    }

    /** Creates the server key, the trust store and the client keys of these users in {@code dir}. */
    static void create(Path dir, List<String> users) throws IOException, InterruptedException,
            GeneralSecurityException {
        Files.createDirectories(dir);
        keytool(dir, SERVER, "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1");
        for (String user : users) {
            keytool(dir, user, "CN=" + user);
        }
        KeyStore server = load(dir.resolve(SERVER + ".p12"));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(SERVER, server.getCertificate(SERVER));
        try (OutputStream out = Files.newOutputStream(dir.resolve(TRUST + ".p12"))) {
            trust.store(out, PASSWORD.toCharArray());
        }
    }

    private static void keytool(Path dir, String alias, String dname, String... extra)
            throws IOException, InterruptedException {
        Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", alias,
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname, "-validity", "2",
                "-keystore", dir.resolve(alias + ".p12").toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            String output;
            try (InputStream in = p.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed for " + alias + ": " + output);
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    /** A TLS context that trusts the IdP and presents {@code user}'s certificate (none when null). */
    static SSLContext clientContext(Path dir, String user) throws IOException, GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(user == null ? null : keyManagers(dir.resolve(user + ".p12")).getKeyManagers(),
                trustManagers(dir).getTrustManagers(), null);
        return ctx;
    }

    /** The IdP's own context: its server certificate. */
    static SSLContext serverContext(Path dir, javax.net.ssl.TrustManager clientCertificates)
            throws IOException, GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keyManagers(dir.resolve(SERVER + ".p12")).getKeyManagers(),
                new javax.net.ssl.TrustManager[] {clientCertificates}, null);
        return ctx;
    }

    static X509TrustManager trustManager(Path dir) throws IOException, GeneralSecurityException {
        return (X509TrustManager) trustManagers(dir).getTrustManagers()[0];
    }

    private static KeyManagerFactory keyManagers(Path file) throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(file), PASSWORD.toCharArray());
        return kmf;
    }

    private static TrustManagerFactory trustManagers(Path dir) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(dir.resolve(TRUST + ".p12")));
        return tmf;
    }
}
