package io.tokenguard.it.libraries;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.List;

/**
 * A careless app on google-auth-library (from the google-auth-1.58.0 library set): every call builds new
 * {@code ServiceAccountCredentials} from the JSON key file and refreshes them, so each call signs a new
 * jwt-bearer assertion (RS256, kid, iat in whole seconds, no jti) and posts it to the key file's
 * token_uri over the library's default transport (HttpURLConnection). Threads x calls each, all released
 * at once. Prints {@code case google-auth <outcome>=<count>... tokens=<distinct>}.
 */
public final class GoogleAuthRunner {
    private GoogleAuthRunner() {
    }

    public static void main(String[] args) throws Exception {
        String keyFile = args[0];
        int threads = Integer.parseInt(args[1]);
        int calls = Integer.parseInt(args[2]);
        System.out.println(CarelessCalls.run("google-auth", threads, calls, () -> {
            try (InputStream in = new FileInputStream(keyFile)) {
                GoogleCredentials credentials = ServiceAccountCredentials.fromStream(in)
                        .createScoped(List.of("https://www.googleapis.com/auth/cloud-platform"));
                AccessToken token = credentials.refreshAccessToken();
                return token.getTokenValue();
            }
        }));
    }
}
