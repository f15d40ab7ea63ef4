package io.tokenguard.sample;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What one (provider, identity) saw during a round or a whole run. Synchronized: worker threads share it. */
final class Row {
    /** Status key for requests that got no HTTP answer at all. */
    static final String IO_ERROR = "io";
    /** Numeric statuses in numeric order, then anything else. */
    static final Comparator<String> STATUS_ORDER = Comparator
            .comparing((String s) -> !s.matches("\\d+"))
            .thenComparing(s -> s.matches("\\d+") ? String.format("%09d", Long.parseLong(s)) : s);

    final String provider;
    final String identity;
    private int asked;
    private final Map<String, Integer> statuses = new TreeMap<>(STATUS_ORDER);
    private int unreadable;
    private int apiOk;
    private int apiFailed;
    private final Set<String> tokenFingerprints = new LinkedHashSet<>();
    private final Set<String> apiUsers = new LinkedHashSet<>();
    /** Token calls the IdP itself counted for this identity; -1 when unknown. */
    private int idpCalls = -1;
    /** The longest a token request of this row took, in milliseconds (the app's own clock). */
    private long maxTokenMillis;

    Row(String provider, String identity) {
        this.provider = provider;
        this.identity = identity;
    }

    synchronized void tokenAnswer(String status) {
        asked++;
        statuses.merge(status, 1, Integer::sum);
    }

    /** How long one token request took, answer or failure. */
    synchronized void tokenMillis(long millis) {
        maxTokenMillis = Math.max(maxTokenMillis, millis);
    }

    /** A 2xx whose body held no access token. */
    synchronized void unreadable() {
        unreadable++;
    }

    synchronized void token(String fingerprint) {
        tokenFingerprints.add(fingerprint);
    }

    synchronized void apiOk(String user) {
        apiOk++;
        if (user != null) {
            apiUsers.add(user);
        }
    }

    synchronized void apiFailed() {
        apiFailed++;
    }

    synchronized void idpCalls(int n) {
        idpCalls = n;
    }

    synchronized void addAll(Row other) {
        Row o = other.copy();
        asked += o.asked;
        o.statuses.forEach((k, v) -> statuses.merge(k, v, Integer::sum));
        unreadable += o.unreadable;
        apiOk += o.apiOk;
        apiFailed += o.apiFailed;
        tokenFingerprints.addAll(o.tokenFingerprints);
        apiUsers.addAll(o.apiUsers);
        maxTokenMillis = Math.max(maxTokenMillis, o.maxTokenMillis);
    }

    synchronized Row copy() {
        Row c = new Row(provider, identity);
        c.asked = asked;
        c.statuses.putAll(statuses);
        c.unreadable = unreadable;
        c.apiOk = apiOk;
        c.apiFailed = apiFailed;
        c.tokenFingerprints.addAll(tokenFingerprints);
        c.apiUsers.addAll(apiUsers);
        c.idpCalls = idpCalls;
        c.maxTokenMillis = maxTokenMillis;
        return c;
    }

    synchronized int asked() {
        return asked;
    }

    synchronized Map<String, Integer> statuses() {
        Map<String, Integer> copy = new TreeMap<>(STATUS_ORDER);
        copy.putAll(statuses);
        return copy;
    }

    synchronized int tokenOk() {
        int n = 0;
        for (Map.Entry<String, Integer> e : statuses.entrySet()) {
            if (e.getKey().length() == 3 && e.getKey().charAt(0) == '2') {
                n += e.getValue();
            }
        }
        return n;
    }

    synchronized int unreadableCount() {
        return unreadable;
    }

    synchronized int apiOkCount() {
        return apiOk;
    }

    synchronized int apiFailedCount() {
        return apiFailed;
    }

    synchronized int distinctTokens() {
        return tokenFingerprints.size();
    }

    /** The short fingerprints of the distinct access tokens this row got, in the order first seen. */
    synchronized Set<String> tokenFingerprints() {
        return new LinkedHashSet<>(tokenFingerprints);
    }

    synchronized long maxTokenMillis() {
        return maxTokenMillis;
    }

    synchronized Set<String> apiUsers() {
        return new LinkedHashSet<>(apiUsers);
    }

    synchronized int idpCalls() {
        return idpCalls;
    }

    /** Non-2xx token answers, 2xx answers without a token, and failed API calls. */
    synchronized int errors() {
        return asked - tokenOk() + unreadable + apiFailed;
    }
}
