package io.tokenguard.agent.instrument;

import static io.tokenguard.agent.instrument.ClientInstrumentation.client;

import io.tokenguard.agent.instrument.javahttp.JavaHttpClientAdapter;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.urlconnection.UrlConnectionAdapter;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Every client TokenGuard guards, one row each: where its funnel is, which patch shape calls its
 * adapter, and where the adapter lives. A client's slot in {@link io.tokenguard.bootstrap.hook.ClientHooks}
 * is its index here. Adding a client: see {@code README.md} beside this class.
 */
public final class Clients {
    private static final String APACHE4_FUNNEL = "(Lorg/apache/http/HttpHost;Lorg/apache/http/HttpRequest;"
            + "Lorg/apache/http/protocol/HttpContext;)Lorg/apache/http/client/methods/CloseableHttpResponse;";
    private static final String APACHE5_FUNNEL = "(Lorg/apache/hc/core5/http/HttpHost;"
            + "Lorg/apache/hc/core5/http/ClassicHttpRequest;Lorg/apache/hc/core5/http/protocol/HttpContext;)"
            + "Lorg/apache/hc/client5/http/impl/classic/CloseableHttpResponse;";
    private static final String APACHE5_ASYNC_FUNNEL = "(Lorg/apache/hc/core5/http/HttpHost;"
            + "Lorg/apache/hc/core5/http/nio/AsyncRequestProducer;Lorg/apache/hc/core5/http/nio/AsyncResponseConsumer;"
            + "Lorg/apache/hc/core5/http/nio/HandlerFactory;Lorg/apache/hc/core5/http/protocol/HttpContext;"
            + "Lorg/apache/hc/core5/concurrent/FutureCallback;)Ljava/util/concurrent/Future;";
    private static final String JETTY_FUNNEL = "(Lorg/eclipse/jetty/client/Response$CompleteListener;)V";
    private static final String REACTOR_FINALIZER = "reactor/netty/http/client/HttpClientFinalizer";
    private static final String REACTOR_ADAPTER = "io.tokenguard.agent.instrument.reactornetty.ReactorNettyAdapter";
    private static final String REACTOR_FN = "(Ljava/util/function/BiFunction;)";
    private static final String JDKHTTP_FUNNEL = "(Ljava/net/http/HttpRequest;Ljava/net/http/HttpResponse$BodyHandler;"
            + "Ljava/net/http/HttpResponse$PushPromiseHandler;Ljava/util/concurrent/Executor;)"
            + "Ljava/util/concurrent/CompletableFuture;";

    /** The table. The order is the slots': append, never reorder within a release. */
    public static final List<ClientInstrumentation> ALL = Collections.unmodifiableList(Arrays.asList(
            // URL.openConnection (both overloads) hands back a guarding wrapper for token URLs only.
            client("urlconnection", HttpClientKind.URLCONNECTION).jdk()
                    .adapter(UrlConnectionAdapter.HOOK)
                    .replaceReturn("java/net/URL", "openConnection", "Ljava/net/URLConnection;")
                    .build(),
            // The JDK's private HttpClientImpl.sendAsync: the funnel of send and sendAsync.
            client("jdkhttp", HttpClientKind.JDKHTTP).jdk()
                    .adapter(new JavaHttpClientAdapter())
                    .answerFirst("jdk/internal/net/http/HttpClientImpl", "sendAsync", JDKHTTP_FUNNEL)
                    .build(),
            // OkHttpClient(Builder), where every constructor and newBuilder().build() end: the interceptors
            // get TokenGuard's, last.
            client("okhttp", HttpClientKind.OKHTTP)
                    .adapterBelowApp("io.tokenguard.agent.instrument.okhttp.OkHttpAdapter")
                    .replaceField("okhttp3/OkHttpClient", "<init>", "(Lokhttp3/OkHttpClient$Builder;)V", "interceptors",
                            "Ljava/util/List;", 1)
                    .build(),
            client("apache4", HttpClientKind.APACHE4).passesIOException()
                    .adapterBelowApp("io.tokenguard.agent.instrument.apache4.Apache4Adapter")
                    .answerFirst("org/apache/http/impl/client/InternalHttpClient", "doExecute", APACHE4_FUNNEL)
                    .answerFirst("org/apache/http/impl/client/MinimalHttpClient", "doExecute", APACHE4_FUNNEL)
                    .build(),
            client("apache5", HttpClientKind.APACHE5).passesIOException()
                    .adapterBelowApp("io.tokenguard.agent.instrument.apache5.Apache5Adapter")
                    .answerFirst("org/apache/hc/client5/http/impl/classic/InternalHttpClient", "doExecute",
                            APACHE5_FUNNEL)
                    .answerFirst("org/apache/hc/client5/http/impl/classic/MinimalHttpClient", "doExecute",
                            APACHE5_FUNNEL)
                    .build(),
            // HttpAsyncClients.custom()/createDefault()/HTTP/2, and createMinimal(); the Future is the caller's.
            client("apache5-async", HttpClientKind.APACHE5)
                    .adapterBelowApp("io.tokenguard.agent.instrument.apache5.Apache5AsyncAdapter")
                    .answerFirst("org/apache/hc/client5/http/impl/async/InternalAbstractHttpAsyncClient", "doExecute",
                            APACHE5_ASYNC_FUNNEL)
                    .answerFirst("org/apache/hc/client5/http/impl/async/AbstractMinimalHttpAsyncClientBase",
                            "doExecute", APACHE5_ASYNC_FUNNEL)
                    .build(),
            // Jetty 12: HttpRequest.send(listener), where send() and send(listener) meet; void, so the hook's
            // non-null answer means it took the call over and completes the app's listeners itself.
            client("jetty", HttpClientKind.JETTY)
                    .adapterBelowApp("io.tokenguard.agent.instrument.jetty.JettyAdapter")
                    .answerFirst("org/eclipse/jetty/client/transport/HttpRequest", "send", JETTY_FUNNEL)
                    .build(),
            // Reactor Netty's HttpClientFinalizer, where every request's terminal operation is assembled
            // (block() or reactive; Spring's WebClient over ReactorClientHttpConnector): the five response
            // methods, told apart by their tag. A token request is re-assembled with the shared Netty
            // handler (instrument/netty) installed on its connection.
            client("reactor-netty", HttpClientKind.REACTOR_NETTY)
                    .adapterBelowApp(REACTOR_ADAPTER)
                    .sharedBelowApp("io.tokenguard.agent.instrument.netty.")
                    .answerFirst(REACTOR_FINALIZER, "response", "()Lreactor/core/publisher/Mono;", "response")
                    .answerFirst(REACTOR_FINALIZER, "response", REACTOR_FN + "Lreactor/core/publisher/Flux;",
                            "responseFlux")
                    .answerFirst(REACTOR_FINALIZER, "responseConnection", REACTOR_FN + "Lreactor/core/publisher/Flux;",
                            "responseConnection")
                    .answerFirst(REACTOR_FINALIZER, "responseContent", "()Lreactor/netty/ByteBufFlux;",
                            "responseContent")
                    .answerFirst(REACTOR_FINALIZER, "responseSingle", REACTOR_FN + "Lreactor/core/publisher/Mono;",
                            "responseSingle")
                    .build(),
            // Vert.x 4.5 and 5.0: HttpClientImpl.request(RequestOptions), where the raw client's future-style
            // requests and every WebClient request meet. A token request is made unguarded, the shared Netty
            // handler (instrument/netty) put on its connection before the app writes.
            client("vertx", HttpClientKind.VERTX)
                    .adapterBelowApp("io.tokenguard.agent.instrument.vertx.VertxAdapter")
                    .sharedBelowApp("io.tokenguard.agent.instrument.netty.")
                    .answerFirst("io/vertx/core/http/impl/HttpClientImpl", "request",
                            "(Lio/vertx/core/http/RequestOptions;)Lio/vertx/core/Future;")
                    .build()));

    private Clients() {
    }

    /** The registered clients' names, in slot order. */
    public static String[] names() {
        String[] names = new String[ALL.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = ALL.get(i).name();
        }
        return names;
    }
}
