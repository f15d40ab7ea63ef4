package io.tokenguard.bench;

import java.io.IOException;

/** One HTTP client library, used the way an app would: one shared client, a full request per call. */
interface Client extends AutoCloseable {
    /** GET and read the whole body; the status. */
    int get(String url) throws IOException;

    /** POST a form body with an Authorization header and read the whole answer; the status. */
    int postForm(String url, String authorization, String form) throws IOException;

    @Override
    void close() throws IOException;

    static Client named(String name) {
        switch (name) {
            case "urlconnection":
                return new UrlConnectionClient();
            case "jdkhttp":
                return new JdkHttpClient();
            case "okhttp":
                return new OkHttpBenchClient();
            case "apache4":
                return new Apache4Client();
            case "apache5":
                return new Apache5Client();
            case "jetty":
                return new JettyBenchClient();
            case "reactor-netty":
                return new ReactorNettyBenchClient();
            case "vertx":
                return new VertxBenchClient();
            default:
                throw new IllegalArgumentException("unknown client " + name);
        }
    }
}
