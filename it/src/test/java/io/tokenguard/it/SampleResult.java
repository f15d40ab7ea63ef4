package io.tokenguard.it;

import java.util.List;
import java.util.Map;

/** The sample app's {@code SAMPLE-RESULT {...}} line. */
public final class SampleResult {
    private static final String PREFIX = "SAMPLE-RESULT ";
    private final Map<String, Object> json;

    private SampleResult(Map<String, Object> json) {
        this.json = json;
    }

    @SuppressWarnings("unchecked")
    static SampleResult from(JavaProcess.Result result) {
        for (String line : result.stdout.split("\\R")) {
            if (line.startsWith(PREFIX)) {
                return new SampleResult((Map<String, Object>) Json.parse(line.substring(PREFIX.length())));
            }
        }
        throw new AssertionError("no SAMPLE-RESULT line in the sample app's output:\n" + result);
    }

    /** One JSON object of the sample app's result shape (a {@code SAMPLE-ROUND} line's, without its prefix). */
    @SuppressWarnings("unchecked")
    public static SampleResult parse(String json) {
        return new SampleResult((Map<String, Object>) Json.parse(json));
    }

    /** Every row of this result (of the whole run, or of the one round a SAMPLE-ROUND line reports). */
    @SuppressWarnings("unchecked")
    public List<Row> rows() {
        List<Row> rows = new java.util.ArrayList<>();
        for (Object o : (List<Object>) json.get("rows")) {
            rows.add(new Row((Map<String, Object>) o));
        }
        return rows;
    }

    public long errors() {
        return ((Number) json.get("errors")).longValue();
    }

    public boolean agentAttached() {
        return Boolean.TRUE.equals(json.get("agent"));
    }

    /** How often the app's own "application" or "network" interceptor saw a token request. */
    @SuppressWarnings("unchecked")
    public long interceptorCalls(String kind) {
        return ((Number) ((Map<String, Object>) json.get("interceptors")).get(kind)).longValue();
    }

    public Row row(String provider, String identity) {
        return row(json, provider, identity);
    }

    /** A row of one round (0-based) when the app ran several. */
    @SuppressWarnings("unchecked")
    public Row row(int round, String provider, String identity) {
        List<Object> rounds = (List<Object>) json.get("rounds");
        return row((Map<String, Object>) rounds.get(round), provider, identity);
    }

    /** Names of threads started during the run and still alive once every worker had ended. */
    @SuppressWarnings("unchecked")
    public List<Object> newLiveThreads() {
        return (List<Object>) json.get("newLiveThreads");
    }

    public long elapsedMillis() {
        return ((Number) json.get("elapsedMs")).longValue();
    }

    /** The clients of the rounds, in order, when the app ran several (--client a,b,c). */
    @SuppressWarnings("unchecked")
    public List<String> roundClients() {
        List<String> clients = new java.util.ArrayList<>();
        for (Object round : (List<Object>) json.get("rounds")) {
            clients.add((String) ((Map<String, Object>) round).get("client"));
        }
        return clients;
    }

    @SuppressWarnings("unchecked")
    private static Row row(Map<String, Object> holder, String provider, String identity) {
        for (Object o : (List<Object>) holder.get("rows")) {
            Map<String, Object> row = (Map<String, Object>) o;
            if (provider.equals(row.get("provider")) && identity.equals(row.get("identity"))) {
                return new Row(row);
            }
        }
        throw new AssertionError("no row " + provider + "/" + identity + " in " + holder);
    }

    @Override
    public String toString() {
        return json.toString();
    }

    public static final class Row {
        private final Map<String, Object> row;

        Row(Map<String, Object> row) {
            this.row = row;
        }

        private long number(String key) {
            return ((Number) row.get(key)).longValue();
        }

        public long asked() {
            return number("asked");
        }

        /** Count of token answers with that status. */
        @SuppressWarnings("unchecked")
        public long status(int status) {
            Object n = ((Map<String, Object>) row.get("statuses")).get(Integer.toString(status));
            return n == null ? 0 : ((Number) n).longValue();
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> statuses() {
            return (Map<String, Object>) row.get("statuses");
        }

        /** Token calls the IdP counted for this row's identity while the app ran (this round's, in a round). */
        public long idpCalls() {
            return number("idpCalls");
        }

        public long apiOk() {
            return number("apiOk");
        }

        public long apiFailed() {
            return number("apiFailed");
        }

        public long distinctTokens() {
            return number("distinctTokens");
        }

        public String provider() {
            return (String) row.get("provider");
        }

        public String identity() {
            return (String) row.get("identity");
        }

        /** Short fingerprints of the distinct access tokens this row's requests got. */
        @SuppressWarnings("unchecked")
        public List<Object> tokens() {
            return (List<Object>) row.get("tokens");
        }

        /** The longest any one token request of this row took, by the app's clock. */
        public long maxTokenMillis() {
            return number("maxTokenMs");
        }

        @SuppressWarnings("unchecked")
        public List<Object> apiUsers() {
            return (List<Object>) row.get("apiUsers");
        }

        @Override
        public String toString() {
            return row.toString();
        }
    }
}
