package io.tokenguard.it.reactive;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * A reactive app in a child JVM (the agent attached, Spring and Reactor Netty from a library set): N
 * careless token requests of one identity at once, each its own subscription, none blocking an event
 * loop (only main waits, for all of them). Prints {@code case <name> <status>=<count>... tokens=<distinct>}.
 * Cases: {@code webclient-form} (WebClient over ReactorClientHttpConnector posting Eloqua's password
 * form with Basic auth), {@code security-client-credentials} (Spring Security's
 * WebClientReactiveClientCredentialsTokenResponseClient against Twitter's client_credentials endpoint).
 */
public final class ReactiveTokenRunner {
    private ReactiveTokenRunner() {
    }

    public static void main(String[] args) {
        String idp = args[0];
        int n = Integer.parseInt(args[2]);
        WebClient web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(HttpClient.create()
                .responseTimeout(Duration.ofSeconds(20)))).build();
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        Map<String, Boolean> tokens = new ConcurrentHashMap<>();
        Flux<String> calls;
        switch (args[1]) {
            case "webclient-form":
                String basic = "Basic " + Base64.getEncoder().encodeToString(
                        "sample-app-client:sample-app-secret".getBytes(StandardCharsets.UTF_8));
                calls = Flux.range(0, n).flatMap(i -> web.post().uri(URI.create(idp + "/auth/oauth2/token"))
                        .header("Authorization", basic).contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .body(BodyInserters.fromFormData("grant_type", "password")
                                .with("username", "SampleCo\\alice").with("password", "alice-pw"))
                        .exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("")
                                .map(body -> {
                                    tokens.put(body, Boolean.TRUE);
                                    return Integer.toString(r.statusCode().value());
                                })), n);
                break;
            case "security-client-credentials":
                WebClientReactiveClientCredentialsTokenResponseClient client =
                        new WebClientReactiveClientCredentialsTokenResponseClient();
                client.setWebClient(web);
                ClientRegistration registration = ClientRegistration.withRegistrationId("twitter")
                        .tokenUri(idp + "/oauth2/token").clientId("sample-consumer")
                        .clientSecret("sample-consumer-secret")
                        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).build();
                calls = Flux.range(0, n).flatMap(i -> client.getTokenResponse(
                        new OAuth2ClientCredentialsGrantRequest(registration)).map(r -> {
                            tokens.put(r.getAccessToken().getTokenValue(), Boolean.TRUE);
                            return "ok";
                        }), n);
                break;
            default:
                throw new IllegalArgumentException("unknown case " + args[1]);
        }
        List<String> seen = calls.onErrorResume(e -> Mono.just(e.getClass().getSimpleName() + ":" + e.getMessage()))
                .collectList().block(Duration.ofSeconds(60));
        for (String s : seen) {
            outcomes.computeIfAbsent(s, k -> new AtomicInteger()).incrementAndGet();
        }
        StringBuilder line = new StringBuilder("case ").append(args[1]);
        new TreeMap<>(outcomes).forEach((s, c) -> line.append(' ').append(s).append('=').append(c.get()));
        line.append(" tokens=").append(tokens.size());
        System.out.println(line);
    }
}
