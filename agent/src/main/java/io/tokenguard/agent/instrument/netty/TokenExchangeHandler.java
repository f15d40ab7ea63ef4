package io.tokenguard.agent.instrument.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.adapter.AsyncClientExchange;
import io.tokenguard.bootstrap.adapter.BodyBounds;
import java.io.ByteArrayOutputStream;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One guarded request on a Netty channel, between the library's {@code HttpClientCodec} (and
 * decompressor) and its own bridge, so it sees the request exactly as it goes on the wire, as HTTP
 * objects, and the response as the library would. Shared by the Netty-based clients (Reactor Netty; the
 * library's adapter installs it for one request and says where that request goes).
 *
 * <p>It holds the request as written (completing each write's promise at once: the library's send
 * waits on it), then runs the guard ({@link AsyncClientExchange}) on the channel's event loop, which
 * never waits: on a hit, the answer is fired inbound as the library's codec would fire it (the head,
 * then the body as last content, hop-by-hop headers stripped, Content-Length set), later, never inline
 * in the library's own write; on a miss the held request is written and the response is read within
 * the bounds for the guard, then re-fired as it came (byte-identical). A body over the capture limit,
 * {@code Expect: 100-continue}, or anything it does not know passes untouched, as does every fault of
 * its own: the original request then goes as written. A channel that dies or times out while the
 * request waits ends it as it would end the bare client's.
 *
 * <p>All state is touched on the channel's event loop only; the guard's callbacks hop onto it.
 */
public final class TokenExchangeHandler extends ChannelDuplexHandler {
    /** The handler's name in the pipeline. */
    public static final String NAME = "tokenguard.exchange";

    private enum State { HOLD, DECIDE, CAPTURE, PASS, DONE }

    private final HttpClientKind kind;
    private final GuardDelegate delegate;
    private final String url;
    private final long timeoutMillis;
    private final Object[] credentialSources;
    private final long bodyWaitCapMillis;

    private ChannelHandlerContext ctx;
    private State state = State.HOLD;
    private final List<Object> held = new ArrayList<>(4);
    private HttpRequest head;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    /** Set on the loop; read by the guard's side too (which answer is this call's own). */
    private volatile Capture capture;
    /** The call's own response was left unread: whatever answers the app, the connection must not be reused. */
    private boolean closeAfter;

    /**
     * @param url               the request's absolute URL
     * @param timeoutMillis     how long the app's client waits for a response (0: no limit)
     * @param credentialSources what the library adds below the wire by identity (TLS context, proxy)
     */
    public TokenExchangeHandler(HttpClientKind client, GuardDelegate guard, String url, long timeoutMillis,
                                Object... credentialSources) {
        this(client, guard, url, timeoutMillis, 0, credentialSources);
    }

    /**
     * @param bodyWaitCapMillis at most this long after its head is the call's own response held for the
     *                          guard (0: the guard's own bound). A library whose response timer runs from the
     *                          request and stops at the head it sees (Vert.x) must see the head within it.
     */
    public TokenExchangeHandler(HttpClientKind client, GuardDelegate guard, String url, long timeoutMillis,
                                long bodyWaitCapMillis, Object... credentialSources) {
        this.bodyWaitCapMillis = bodyWaitCapMillis;
        this.kind = client;
        this.delegate = guard;
        this.url = url;
        this.timeoutMillis = timeoutMillis;
        this.credentialSources = credentialSources;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (state == State.HOLD) {
            // Removed before the request was whole (the library gave up on it): let what was held go.
            state = State.PASS;
            writeHeld();
        } else if (state == State.DECIDE || state == State.CAPTURE) {
            state = State.DONE;
            release();
        }
    }

    // ---------------------------------------------------------------- outbound: the request

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (state == State.DECIDE) {
            // The library's end of a request it already wrote whole: part of what is held.
            held.add(msg);
            promise.trySuccess();
            return;
        }
        if (state != State.HOLD) {
            ctx.write(msg, promise);
            return;
        }
        try {
            if (!hold(msg)) {
                // Not a request we can answer (a second head, a file region, a body over the limit,
                // Expect: 100-continue): what was held, then this, go as written.
                state = State.PASS;
                writeHeld();
                ctx.write(msg, promise);
                return;
            }
        } catch (Throwable t) {
            fault(t);
            state = State.PASS;
            writeHeld();
            ctx.write(msg, promise);
            return;
        }
        held.add(msg);
        promise.trySuccess();
        if (msg instanceof LastHttpContent) {
            state = State.DECIDE;
            // Never inside the library's own write: it goes on with its send before the guard is asked.
            later(this::decide);
        }
    }

    /** Whether this message can be held as part of the request. */
    private boolean hold(Object msg) {
        if (msg instanceof HttpRequest) {
            HttpRequest request = (HttpRequest) msg;
            if (head != null || HttpUtil.is100ContinueExpected(request) || !request.decoderResult().isSuccess()) {
                return false;
            }
            head = request;
        } else if (head == null || !(msg instanceof HttpContent || msg instanceof ByteBuf)) {
            return false;
        }
        ByteBuf content = msg instanceof ByteBuf ? (ByteBuf) msg
                : msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content() : null;
        if (content != null && content.isReadable()) {
            int n = content.readableBytes();
            if (body.size() + n > Math.max(0, delegate.captureMaxBytes())) {
                return false;
            }
            byte[] bytes = new byte[n];
            content.getBytes(content.readerIndex(), bytes);
            body.write(bytes, 0, n);
        }
        return true;
    }

    /** Writes what was held, in order, as the library wrote it: its failures reach the library as exceptions. */
    private void writeHeld() {
        if (held.isEmpty()) {
            return;
        }
        List<Object> messages = new ArrayList<>(held);
        held.clear();
        for (Object m : messages) {
            ChannelFuture f = ctx.write(m);
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    ctx.fireExceptionCaught(done.cause());
                }
            });
        }
        ctx.flush();
    }

    private void release() {
        for (Object m : held) {
            ReferenceCountUtil.safeRelease(m);
        }
        held.clear();
        if (capture != null) {
            capture.release();
        }
    }

    /** The request is whole: the guard decides, on this loop. */
    private void decide() {
        if (state != State.DECIDE) {
            return;
        }
        if (!ctx.channel().isActive()) {
            state = State.DONE;
            release();
            return;
        }
        new Exchange().run();
    }

    // ---------------------------------------------------------------- inbound: the response

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CAPTURE && capture.reading()) {
            capture.read(msg);
            return;
        }
        if (state == State.CAPTURE || state == State.DECIDE) {
            // Nothing of ours was written, or our capture is offered: keep it in order for the hand-over.
            if (capture != null) {
                capture.keep(msg);
                return;
            }
            // A response to nothing we sent (the server spoke first): the exchange ends, the library sees it.
            state = State.DONE;
            release();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.CAPTURE) {
            if (capture.reading()) {
                ctx.read();
            }
            return;
        }
        if (state == State.DECIDE) {
            return;
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.CAPTURE && capture != null) {
            capture.failed(cause, () -> ctx.fireExceptionCaught(cause));
            return;
        }
        if (state == State.DECIDE) {
            // The app's client gave up (its read timeout) or the connection broke while the guard decides.
            state = State.DONE;
            release();
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (state == State.CAPTURE && capture != null) {
            capture.failed(new ClosedChannelException(), ctx::fireChannelInactive);
            return;
        }
        if (state == State.DECIDE) {
            state = State.DONE;
            release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        if (state == State.DECIDE || state == State.HOLD) {
            state = State.DONE;
            release();
        }
        ctx.close(promise);
    }

    private void fault(Throwable t) {
        try {
            io.tokenguard.bootstrap.Bridge.fault(kind.tag(), t);
        } catch (Throwable ignored) {
            // Counting must never become a fault.
        }
    }

    /** Runs on the loop: inline when already there, else in order after what is queued. */
    private void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    /**
     * Queues the guard's turn on the loop, after what it is doing, under no tracing context of the caller's:
     * it is queued from inside the library's write, where the token request's span is current, and the
     * answer it fires would carry that span into the app's callbacks (see {@link LoopHandOff}). Only this
     * one: every other task here is queued from the loop's own turns (the guard's, a read), which run under
     * none, and must keep its place among what the loop queues itself; handed over, a completion ran after
     * tasks queued after it, and with servers that close after each answer the app's response was lost.
     */
    private void later(Runnable task) {
        LoopHandOff.execute(ctx.executor(), task);
    }

    /** The response to fire for an answer: the head, then its whole body as last content. */
    private static Object[] response(TokenHttpResponse answer) {
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        HttpHeaders h = answer.headers();
        for (int i = 0; i < h.size(); i++) {
            if (!hopByHop(h.name(i))) {
                headers.add(h.name(i), h.value(i));
            }
        }
        byte[] bytes = answer.body();
        headers.set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        String reason = answer.reason();
        HttpResponseStatus status = reason == null || reason.isEmpty() ? HttpResponseStatus.valueOf(answer.status())
                : new HttpResponseStatus(answer.status(), reason);
        DefaultHttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers);
        DefaultLastHttpContent content = new DefaultLastHttpContent(Unpooled.copiedBuffer(bytes));
        return new Object[] {response, content};
    }

    private static boolean hopByHop(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "connection":
            case "keep-alive":
            case "transfer-encoding":
            case "te":
            case "trailer":
            case "upgrade":
            case "proxy-authenticate":
            case "proxy-authorization":
            case "proxy-connection":
            case "content-length":
                return true;
            default:
                return false;
        }
    }

    // ---------------------------------------------------------------- the guarded call

    /** The flow of one guarded call, its completions on the channel's loop. */
    private final class Exchange extends AsyncClientExchange<Object> {
        Exchange() {
            super(kind, delegate);
        }

        @Override
        protected TokenHttpRequest request(int captureMaxBytes) throws Throwable {
            if (head == null || body.size() > captureMaxBytes) {
                return null;
            }
            URL target = new URL(url);
            HttpHeaders.Builder b = HttpHeaders.builder();
            for (Map.Entry<String, String> e : head.headers()) {
                // The Host the library derives from the URL says nothing the URL does not (and the other
                // clients' requests, which get it below their hook, do not carry it): one spelling for the
                // guard's keys. A Host the app set to something else stays.
                if (!("host".equalsIgnoreCase(e.getKey()) && isUrlAuthority(e.getValue(), target))) {
                    b.add(e.getKey(), e.getValue());
                }
            }
            TokenHttpRequest request = new TokenHttpRequest(client, head.method().name(), target, b.build(),
                    body.toByteArray(), timeoutMillis);
            return credentialSources.length == 0 ? request : request.withCredentialSources(credentialSources);
        }

        /** The request goes as written. */
        @Override
        protected Object proceed() {
            state = State.PASS;
            writeHeld();
            return null;
        }

        @Override
        protected Object started() {
            return Boolean.TRUE;
        }

        @Override
        protected CompletableFuture<TokenHttpResponse> send(BodyBounds bounds) {
            Capture c = new Capture(bounds);
            onLoop(() -> {
                if (state != State.DECIDE || !ctx.channel().isActive()) {
                    c.answer.completeExceptionally(new ClosedChannelException());
                    return;
                }
                capture = c;
                state = State.CAPTURE;
                writeHeld();
                ctx.read();
            });
            return c.answer;
        }

        @Override
        protected boolean isOwnPrefix(TokenHttpResponse truncated) {
            Capture c = capture;
            return c != null && c.offered != null && c.offered.body() == truncated.body();
        }

        @Override
        protected boolean isOwnBodyFailure(Throwable failure) {
            Capture c = capture;
            return c != null && c.head != null && c.failure == failure;
        }

        @Override
        protected void handOver() {
            onLoop(() -> {
                if (state != State.CAPTURE) {
                    return;
                }
                state = State.PASS;
                capture.refire();
                ctx.read();
            });
        }

        @Override
        protected void discardOwn() {
            onLoop(() -> {
                Capture c = capture;
                if (c != null && !c.whole()) {
                    closeAfter = true;
                    c.release();
                }
            });
        }

        @Override
        protected void deliver(TokenHttpResponse answer) {
            Capture own = capture;
            boolean mine = own != null && own.whole() && own.wholeBody == answer.body();
            Object[] messages = mine ? null : response(answer);
            // Always later, never inline: the library's own state moves on first.
            ctx.executor().execute(() -> {
                if (state != State.DECIDE && state != State.CAPTURE) {
                    if (messages != null) {
                        ReferenceCountUtil.safeRelease(messages[1]);
                    }
                    return;
                }
                // A connection that closed meanwhile (a server that closes after each answer) still gets the
                // answer first: the library has not seen the close yet (the capture holds it), as a response
                // read before a FIN reaches it before channelInactive.
                state = State.DONE;
                if (mine) {
                    capture.refire();
                } else {
                    List<Runnable> after = capture == null ? List.of() : capture.takeEvents();
                    release();
                    if (closeAfter) {
                        // The rest of our own response is still due on this connection: Reactor must not reuse it.
                        ((HttpResponse) messages[0]).headers().set(HttpHeaderNames.CONNECTION, "close");
                    }
                    ctx.fireChannelRead(messages[0]);
                    ctx.fireChannelRead(messages[1]);
                    ctx.fireChannelReadComplete();
                    after.forEach(Runnable::run);
                }
                if (closeAfter && ctx.channel().isActive()) {
                    ctx.close();
                }
            });
        }

        @Override
        protected void fail(Throwable failure) {
            // The guard's wait for another call's answer ran out: as the client's own read timeout fails it.
            Throwable cause = failure instanceof SocketTimeoutException ? ReadTimeoutException.INSTANCE : failure;
            onLoop(() -> {
                if (state == State.DONE || state == State.PASS) {
                    return;
                }
                Capture c = capture;
                if (c != null && c.failure != null && (c.failure == failure || failure.getCause() == c.failure)) {
                    // The call's own request broke before a response (its read timeout, a reset): the library
                    // sees what broke it as it came, and what follows passes.
                    state = State.PASS;
                    c.refire();
                    return;
                }
                state = State.DONE;
                release();
                ctx.fireExceptionCaught(cause);
                ctx.close();
            });
        }

        @Override
        protected void sendUnguarded() {
            onLoop(() -> {
                if (state != State.DECIDE) {
                    return;
                }
                state = State.PASS;
                writeHeld();
            });
        }
    }

    /**
     * The call's own response as it arrives: every inbound message kept in order (to re-fire as it came),
     * its body copied for the guard within the bounds. Loop-confined but for {@link #answer} and the
     * volatile results the guard's side compares by identity.
     */
    private final class Capture {
        final CompletableFuture<TokenHttpResponse> answer = new CompletableFuture<>();
        private final int limit;
        private final long waitMillis;
        private final List<Object> messages = new ArrayList<>();
        private final List<Runnable> events = new ArrayList<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean reading = true;
        volatile HttpResponse head;
        volatile TokenHttpResponse offered;
        volatile byte[] wholeBody;
        volatile Throwable failure;

        Capture(BodyBounds bounds) {
            this.limit = bounds.limit();
            this.waitMillis = bodyWaitCapMillis > 0 ? Math.min(bounds.waitMillis(), bodyWaitCapMillis)
                    : bounds.waitMillis();
        }

        boolean reading() {
            return reading;
        }

        boolean whole() {
            return wholeBody != null;
        }

        void keep(Object msg) {
            messages.add(msg);
        }

        void read(Object msg) {
            messages.add(msg);
            if (msg instanceof HttpObject) {
                DecoderResult r = ((HttpObject) msg).decoderResult();
                if (r.isFailure()) {
                    reading = false;
                    failure = r.cause();
                    answer.completeExceptionally(failure);
                    return;
                }
            }
            if (msg instanceof HttpResponse) {
                HttpResponse response = (HttpResponse) msg;
                if (response.status().code() / 100 == 1 && response.status().code() != 101) {
                    return;
                }
                head = response;
                if (!(msg instanceof LastHttpContent)) {
                    if (waitMillis <= 0) {
                        offer();
                        return;
                    }
                    ctx.executor().schedule(() -> {
                        if (capture == this && state == State.CAPTURE && reading) {
                            offer();
                        }
                    }, waitMillis, TimeUnit.MILLISECONDS);
                }
            }
            if (msg instanceof HttpContent && head != null) {
                ByteBuf content = ((HttpContent) msg).content();
                int n = content.readableBytes();
                if (n > 0) {
                    byte[] chunk = new byte[n];
                    content.getBytes(content.readerIndex(), chunk);
                    bytes.write(chunk, 0, n);
                }
                if (msg instanceof LastHttpContent) {
                    reading = false;
                    wholeBody = bytes.toByteArray();
                    answer.complete(new TokenHttpResponse(head.status().code(), head.status().reasonPhrase(),
                            headers(head), wholeBody, ResponseSource.UPSTREAM, false));
                    return;
                }
                if (bytes.size() > limit) {
                    offer();
                }
            }
        }

        /** What was read goes to the guard as a truncated answer; the rest is kept for the hand-over. */
        private void offer() {
            reading = false;
            offered = new TokenHttpResponse(head.status().code(), head.status().reasonPhrase(), headers(head),
                    bytes.toByteArray(), ResponseSource.UPSTREAM, true);
            answer.complete(offered);
        }

        /** The connection broke or an exception came while reading: kept in order, and the guard told. */
        void failed(Throwable cause, Runnable event) {
            events.add(event);
            if (reading) {
                reading = false;
                failure = cause;
                answer.completeExceptionally(failure);
            }
        }

        /** The events that followed what arrived (a close, an exception), for whoever answers instead. */
        List<Runnable> takeEvents() {
            List<Runnable> e = new ArrayList<>(events);
            events.clear();
            return e;
        }

        /** Re-fires what arrived, as it arrived, then the events that followed it. */
        void refire() {
            List<Object> m = new ArrayList<>(messages);
            messages.clear();
            for (Object msg : m) {
                ctx.fireChannelRead(msg);
            }
            if (!m.isEmpty()) {
                ctx.fireChannelReadComplete();
            }
            List<Runnable> e = new ArrayList<>(events);
            events.clear();
            for (Runnable r : e) {
                r.run();
            }
        }

        void release() {
            for (Object msg : messages) {
                ReferenceCountUtil.safeRelease(msg);
            }
            messages.clear();
        }
    }

    /** Whether a Host header names the URL's own host and port (the port may be left out when it is the default). */
    static boolean isUrlAuthority(String host, URL url) {
        String h = host.trim();
        String name = url.getHost();
        int port = url.getPort() < 0 ? url.getDefaultPort() : url.getPort();
        if (h.equalsIgnoreCase(name + ":" + port)) {
            return true;
        }
        return port == url.getDefaultPort() && h.equalsIgnoreCase(name);
    }

    private static HttpHeaders headers(HttpResponse response) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (Map.Entry<String, String> e : response.headers()) {
            b.add(e.getKey(), e.getValue());
        }
        return b.build();
    }
}
