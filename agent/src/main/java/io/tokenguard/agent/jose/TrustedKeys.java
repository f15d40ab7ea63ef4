package io.tokenguard.agent.jose;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Public keys an operator configured for an endpoint ({@code tokenguard.endpoints.<id>.assertion-keys}):
 * PEM files of public keys or certificates, or JWKS files. Read once, when the configuration is;
 * a file that holds no key TokenGuard can use is a configuration error naming the file.
 */
public final class TrustedKeys {
    public static final TrustedKeys NONE = new TrustedKeys(Collections.emptyList());
    /** A key file larger than this is not a key file. */
    private static final long MAX_FILE_BYTES = 1024 * 1024;
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN (PUBLIC KEY|CERTIFICATE)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final List<PublicKey> keys;

    private TrustedKeys(List<PublicKey> keys) {
        this.keys = Collections.unmodifiableList(keys);
    }

    List<PublicKey> keys() {
        return keys;
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public int size() {
        return keys.size();
    }

    /** Every key of every file; IllegalArgumentException naming the file that cannot be read or holds none. */
    public static TrustedKeys load(List<Path> files) {
        List<PublicKey> keys = new ArrayList<>();
        for (Path file : files) {
            List<PublicKey> found;
            try {
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new IllegalArgumentException("key file " + file + " is larger than 1 MiB");
                }
                String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                found = text.trim().startsWith("{") ? jwks(text) : pem(text);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read key file " + file + " (" + e.getClass().getSimpleName() + ")");
            }
            if (found.isEmpty()) {
                throw new IllegalArgumentException("key file " + file
                        + " holds no public key TokenGuard can use (PEM PUBLIC KEY or CERTIFICATE blocks, or a JWKS"
                        + " of RSA, EC or OKP keys)");
            }
            keys.addAll(found);
        }
        return new TrustedKeys(keys);
    }

    private static List<PublicKey> pem(String text) {
        List<PublicKey> keys = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            PublicKey key = "CERTIFICATE".equals(m.group(1)) ? certificateKey(der) : spki(der);
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static List<PublicKey> jwks(String text) throws IOException {
        List<PublicKey> keys = new ArrayList<>();
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return keys;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (!"keys".equals(name) || v != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    PublicKey key = JwkPublicKeys.of(JwkPublicKeys.members(p));
                    if (key != null) {
                        keys.add(key);
                    }
                }
            }
        }
        return keys;
    }

    /** The key of a DER certificate, or null. Its name, issuer and dates do not matter: only the key signs. */
    static PublicKey certificateKey(byte[] der) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der))
                    .getPublicKey();
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static PublicKey spki(byte[] der) {
        for (String algorithm : new String[] {"RSA", "EC", "EdDSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // Not this kind of key; the next.
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "TrustedKeys[" + keys.size() + "]";
    }
}
