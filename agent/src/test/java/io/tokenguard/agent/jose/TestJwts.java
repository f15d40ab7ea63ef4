package io.tokenguard.agent.jose;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** Keys, certificates and signed JWTs for tests, made with the JDK alone (keytool for certificates). */
public final class TestJwts {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private TestJwts() {
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsa() {
        return rsa(2048);
    }

    /** secp256r1, secp384r1 or secp521r1. */
    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String b64(String text) {
        return B64URL.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String b64(byte[] bytes) {
        return B64URL.encodeToString(bytes);
    }

    /** A compact JWS of these header and claims JSON texts, signed with alg under the key. */
    public static String sign(String alg, PrivateKey key, String headerJson, String claimsJson) {
        String input = b64(headerJson) + "." + b64(claimsJson);
        return input + "." + b64(signature(alg, key, input.getBytes(StandardCharsets.US_ASCII)));
    }

    static byte[] signature(String alg, PrivateKey key, byte[] input) {
        try {
            Signature s;
            switch (alg) {
                case "RS256": s = Signature.getInstance("SHA256withRSA"); break;
                case "RS384": s = Signature.getInstance("SHA384withRSA"); break;
                case "RS512": s = Signature.getInstance("SHA512withRSA"); break;
                case "PS256":
                    s = Signature.getInstance("RSASSA-PSS");
                    s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                    break;
                case "ES256": s = Signature.getInstance("SHA256withECDSAinP1363Format"); break;
                case "ES384": s = Signature.getInstance("SHA384withECDSAinP1363Format"); break;
                case "ES512": s = Signature.getInstance("SHA512withECDSAinP1363Format"); break;
                case "EdDSA": s = Signature.getInstance("EdDSA"); break;
                default: throw new IllegalArgumentException(alg);
            }
            s.initSign(key);
            s.update(input);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWK (RFC 7517) of an RSA, EC or Ed25519 key, as JSON text. */
    public static String jwk(PublicKey key) {
        if (key instanceof RSAPublicKey) {
            RSAPublicKey k = (RSAPublicKey) key;
            return "{\"kty\":\"RSA\",\"n\":\"" + b64(unsigned(k.getModulus())) + "\",\"e\":\""
                    + b64(unsigned(k.getPublicExponent())) + "\"}";
        }
        if (key instanceof ECPublicKey) {
            ECPublicKey k = (ECPublicKey) key;
            int size = (k.getParams().getCurve().getField().getFieldSize() + 7) / 8;
            String crv = size == 32 ? "P-256" : size == 48 ? "P-384" : "P-521";
            return "{\"kty\":\"EC\",\"crv\":\"" + crv + "\",\"x\":\"" + b64(fixed(k.getW().getAffineX(), size))
                    + "\",\"y\":\"" + b64(fixed(k.getW().getAffineY(), size)) + "\"}";
        }
        // Ed25519: the SPKI's last 32 bytes are the public key.
        byte[] spki = key.getEncoded();
        return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + b64(Arrays.copyOfRange(spki, spki.length - 32,
                spki.length)) + "\"}";
    }

    private static byte[] unsigned(BigInteger n) {
        byte[] b = n.toByteArray();
        return b[0] == 0 && b.length > 1 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] fixed(BigInteger n, int size) {
        byte[] b = unsigned(n);
        byte[] out = new byte[size];
        System.arraycopy(b, 0, out, size - b.length, b.length);
        return out;
    }

    /** A self-signed certificate and its key pair, made by the JDK's keytool in this directory. */
    public static final class SelfSigned {
        public final KeyPair keys;
        public final X509Certificate certificate;

        SelfSigned(KeyPair keys, X509Certificate certificate) {
            this.keys = keys;
            this.certificate = certificate;
        }

        /** The x5c header member's value: the certificate in standard base64. */
        public String x5c() {
            try {
                return "[\"" + Base64.getEncoder().encodeToString(certificate.getEncoded()) + "\"]";
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public String pem() {
            try {
                return "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static SelfSigned selfSigned(Path dir, String name) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "RSA",
                "-keysize", "2048", "-sigalg", "SHA256withRSA", "-dname", "CN=" + name, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool failed: " + new String(out, StandardCharsets.UTF_8));
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(Files.readAllBytes(store)), "changeit".toCharArray());
            Certificate cert = ks.getCertificate(name);
            PrivateKey key = (PrivateKey) ks.getKey(name, "changeit".toCharArray());
            return new SelfSigned(new KeyPair(cert.getPublicKey(), key), (X509Certificate) cert);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** The PEM PUBLIC KEY block of a key. */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }
}
