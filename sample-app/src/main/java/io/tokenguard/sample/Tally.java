package io.tokenguard.sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rows of one round (or of the whole run), in the order the app asks for tokens. */
final class Tally {
    private final Map<String, Row> rows = new LinkedHashMap<>();

    Tally(AppOptions options) {
        for (String provider : options.providers) {
            if ("eloqua".equals(provider)) {
                for (String user : options.users) {
                    rows.put(key(provider, user), new Row(provider, AppOptions.label(user)));
                }
            } else if ("entra".equals(provider)) {
                for (CertificateCredential c : options.entraCredentials) {
                    rows.putIfAbsent(key(provider, c.clientId), new Row(provider, c.clientId));
                }
            } else if ("dpop".equals(provider)) {
                for (DpopKey k : options.dpopKeys) {
                    rows.putIfAbsent(key(provider, k.thumbprint), new Row(provider, k.thumbprint));
                }
            } else if ("google".equals(provider)) {
                for (ServiceAccountKey key : options.serviceAccountKeys) {
                    rows.putIfAbsent(key(provider, key.email), new Row(provider, key.email));
                }
            } else {
                for (String consumer : options.consumers()) {
                    rows.put(key(provider, consumer), new Row(provider, consumer));
                }
            }
        }
    }

    Row row(String provider, String identity) {
        Row r = rows.get(key(provider, identity));
        if (r == null) {
            throw new IllegalArgumentException("no row for " + provider + "/" + identity);
        }
        return r;
    }

    List<Row> rows() {
        return new ArrayList<>(rows.values());
    }

    int errors() {
        int n = 0;
        for (Row r : rows.values()) {
            n += r.errors();
        }
        return n;
    }

    void addAll(Tally round) {
        for (Map.Entry<String, Row> e : round.rows.entrySet()) {
            rows.get(e.getKey()).addAll(e.getValue());
        }
    }

    private static String key(String provider, String identity) {
        return provider + '\u0000' + identity;
    }
}
