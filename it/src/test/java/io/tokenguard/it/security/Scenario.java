package io.tokenguard.it.security;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The app side of one security case, run in the child JVM: alice, bob, a wrong credential, then alice
 * and bob again, every request posting the same body through one client mechanism. One line per
 * request on stdout: {@code SECURITY {"case":..,"step":"alice#1","status":..,"token":..,"marker":..,"exception":..}}.
 */
final class Scenario {
    /** Who asks, in this order; "wrong" is alice's client with a credential the IdP does not know. */
    static final List<String> STEPS = List.of("alice#1", "bob#1", "wrong#1", "alice#2", "bob#2");
    /** The one body every identity posts. */
    static final String BODY = "grant_type=client_credentials&scope=api";
    /** Known users: name → client secret; their session cookie is "sid-" + name. */
    static final java.util.Map<String, String> SECRETS = java.util.Map.of("alice", "alice-secret", "bob", "bob-secret");
    static final String ALICE = "alice";
    static final String BOB = "bob";
    static final String WRONG = "wrong";
    private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]*)\"");

    /** One request as a given identity; the answer as the app saw it. */
    interface Call {
        Answer send(String who) throws Exception;
    }

    /** What the app saw: status, body and the X-TokenGuard marker. */
    static final class Answer {
        final int status;
        final String body;
        final String marker;

        Answer(int status, String body, String marker) {
            this.status = status;
            this.body = body;
            this.marker = marker;
        }
    }

    private Scenario() {
    }

    /** Runs every step of a case; a failing step is a line with its exception, never the end of the run. */
    static void run(String caseId, Call call) {
        for (String step : STEPS) {
            String who = step.substring(0, step.indexOf('#'));
            int status = -1;
            String token = null;
            String marker = null;
            String exception = null;
            try {
                Answer a = call.send(who);
                status = a.status;
                marker = a.marker;
                Matcher m = TOKEN.matcher(a.body == null ? "" : a.body);
                token = m.find() ? m.group(1) : null;
            } catch (Throwable t) {
                exception = t.getClass().getName();
            }
            System.out.println("SECURITY {\"case\":" + q(caseId) + ",\"step\":" + q(step) + ",\"status\":" + status
                    + ",\"token\":" + q(token) + ",\"marker\":" + q(marker) + ",\"exception\":" + q(exception) + "}");
        }
        System.out.flush();
    }

    /** The Basic credentials of each identity: the right secret for alice and bob, a wrong one for alice's client. */
    static String user(String who) {
        return WRONG.equals(who) ? ALICE : who;
    }

    static String secret(String who) {
        return WRONG.equals(who) ? "guessed-secret" : SECRETS.get(who);
    }

    static String basic(String who) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (user(who) + ":" + secret(who)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The session cookie value of each identity; a forged one for "wrong". */
    static String session(String who) {
        return WRONG.equals(who) ? "sid-alice-forged" : "sid-" + who;
    }

    /** The client certificate of each identity (its key store's name); none for "wrong". */
    static String certificate(String who) {
        return WRONG.equals(who) ? null : who;
    }

    private static String q(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
