package io.tokenguard.it.libraries;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A careless app on MSAL4J (from the msal4j-1.26.1 library set) with a certificate credential: every
 * call builds a new {@code ConfidentialClientApplication} (so MSAL's own token cache is new and empty)
 * and acquires a client-credentials token, so each call signs a new client assertion (x5c, fresh jti)
 * and posts it over MSAL's default transport (HttpsURLConnection). Arguments: authority, the credential
 * file the emulated Entra-like provider hands out, threads, calls per thread. Prints
 * {@code case msal <outcome>=<count>... tokens=<distinct>}.
 */
public final class MsalCertificateRunner {
    private MsalCertificateRunner() {
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name);
        }
        return m.group(1).replace("\\n", "\n");
    }

    private static byte[] pem(String text) {
        return Base64.getDecoder().decode(text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    }

    public static void main(String[] args) throws Exception {
        String authority = args[0];
        String json = Files.readString(Paths.get(args[1]), StandardCharsets.UTF_8);
        int threads = Integer.parseInt(args[2]);
        int calls = Integer.parseInt(args[3]);
        String clientId = field(json, "client_id");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                pem(field(json, "private_key"))));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem(field(json, "certificate"))));
        // The JDK makes HttpsURLConnection's default SSLSocketFactory on first use, without a lock: connections
        // opened at once before that may each get a factory of their own, which TokenGuard (it keys on the
        // factory, the holder of any client certificate) must take for different clients. A running app has
        // made its first https connection long before; so does this one, before its threads start.
        javax.net.ssl.HttpsURLConnection.getDefaultSSLSocketFactory();
        System.out.println(CarelessCalls.run("msal", threads, calls, () -> {
            ConfidentialClientApplication app = ConfidentialClientApplication
                    .builder(clientId, ClientCredentialFactory.createFromCertificate(key, cert))
                    .authority(authority).instanceDiscovery(false).validateAuthority(false).build();
            IAuthenticationResult r = app.acquireToken(ClientCredentialParameters.builder(
                    Set.of("https://graph.microsoft.com/.default")).build()).get();
            return r.accessToken();
        }));
    }
}
