package io.tokenguard.agent.fleet;

import io.tokenguard.agent.config.FleetSettings;
import io.tokenguard.agent.config.RedisUri;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.SetParams;

/**
 * The fleet's Redis, through a small Jedis pool, behind the {@link FleetBreaker}: every call is
 * bounded by fleet.timeout (connect, read, and the wait for a pooled connection), runs on the
 * calling thread, and either answers or throws {@link FleetUnavailable}. No thread of ours or of
 * the pool's: the evictor is off, idle connections are simply kept (at most {@value #MAX_CONNECTIONS}).
 */
public final class RedisLink implements AutoCloseable {
    static final int MAX_CONNECTIONS = 16;
    private final JedisPool pool;
    private final FleetBreaker breaker;
    private final FleetListener listener;
    private final LongSupplier nanoTime;
    private final FleetKeys keys;
    private final long timeoutMillis;

    private RedisLink(JedisPool pool, FleetBreaker breaker, FleetListener listener, LongSupplier nanoTime,
                      FleetKeys keys, long timeoutMillis) {
        this.pool = pool;
        this.breaker = breaker;
        this.listener = listener;
        this.nanoTime = nanoTime;
        this.keys = keys;
        this.timeoutMillis = timeoutMillis;
    }

    /** A link to the configured Redis; nothing is connected until the first call. */
    public static RedisLink open(FleetSettings settings, FleetListener listener, LongSupplier nanoTime) {
        return open(settings, null, listener, nanoTime);
    }

    /** sslSocketFactory: for rediss://, null for the JVM's default trust (tests give their own CA). */
    public static RedisLink open(FleetSettings settings, SSLSocketFactory sslSocketFactory, FleetListener listener,
                                 LongSupplier nanoTime) {
        RedisUri uri = settings.uri();
        int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()));
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .blockingSocketTimeoutMillis(timeout)
                .database(uri.database())
                // No CLIENT SETNAME: an ACL user needs no command but those the stores use.
                .ssl(uri.tls());
        if (settings.user() != null) {
            client.user(settings.user());
        }
        if (settings.password() != null) {
            client.password(settings.password());
        }
        if (uri.tls()) {
            // Jedis checks no host name by itself: the JDK's HTTPS rules (RFC 2818) do, as for any TLS client.
            SSLParameters verifyHost = new SSLParameters();
            verifyHost.setEndpointIdentificationAlgorithm("HTTPS");
            client.sslParameters(verifyHost);
        }
        if (sslSocketFactory != null) {
            client.sslSocketFactory(sslSocketFactory);
        }
        GenericObjectPoolConfig<Jedis> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxIdle(MAX_CONNECTIONS);
        pool.setMinIdle(0);
        // No evictor thread inside the host app; a broken connection is dropped when it fails.
        pool.setTimeBetweenEvictionRuns(java.time.Duration.ofMillis(-1));
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(java.time.Duration.ofMillis(timeout));
        pool.setTestOnBorrow(false);
        pool.setTestWhileIdle(false);
        pool.setJmxEnabled(false);
        FleetKeys derived = FleetKeys.derive(settings.keys(), settings.name());
        return new RedisLink(new JedisPool(pool, new HostAndPort(uri.host(), uri.port()), client.build()),
                new FleetBreaker(nanoTime, listener), listener, nanoTime, derived, timeout);
    }

    public FleetKeys keys() {
        return keys;
    }

    public FleetListener listener() {
        return listener;
    }

    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** Whether the breaker is in fleet mode (the gauge). */
    public boolean fleetMode() {
        return breaker.fleet();
    }

    /** A key of this fleet: namespace, kind, and a hash that is already a keyed hash. */
    public String key(String kind, String hash) {
        return keys.namespace() + kind + ":" + hash;
    }

    public byte[] get(String key) throws FleetUnavailable {
        return call("get", j -> j.get(bytes(key)));
    }

    public List<byte[]> mget(List<String> keys) throws FleetUnavailable {
        byte[][] names = new byte[keys.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = bytes(keys.get(i));
        }
        return call("mget", j -> j.mget(names));
    }

    /** SET with an expiry in milliseconds (at least 1). */
    public void set(String key, byte[] value, long pxMillis) throws FleetUnavailable {
        call("set", j -> j.set(bytes(key), value, SetParams.setParams().px(Math.max(1, pxMillis))));
    }

    public void del(String key) throws FleetUnavailable {
        call("del", j -> j.del(bytes(key)));
    }

    /** EVALSHA, falling back to EVAL when the server has not seen the script (a restart, a flush). */
    public Object eval(RedisScript script, List<String> keyNames, List<byte[]> args) throws FleetUnavailable {
        List<byte[]> names = new ArrayList<>(keyNames.size());
        for (String k : keyNames) {
            names.add(bytes(k));
        }
        return call("eval", j -> {
            try {
                return j.evalsha(script.sha1, names, args);
            } catch (JedisNoScriptException notLoaded) {
                return j.eval(script.source, names, args);
            }
        });
    }

    /**
     * Tells the breaker that an answer Redis gave made no sense (garbage): it counts like a failed
     * call. The caller decides locally.
     */
    public void garbage(Throwable why) {
        breaker.failed(why);
    }

    private <T> T call(String op, Function<Jedis, T> command) throws FleetUnavailable {
        if (!breaker.allow()) {
            throw FleetUnavailable.LOCAL_ONLY;
        }
        long start = nanoTime.getAsLong();
        long began = breaker.began();
        try (Jedis jedis = pool.getResource()) {
            T result = command.apply(jedis);
            breaker.succeeded();
            listener.onRedisCall(op, true, nanoTime.getAsLong() - start);
            return result;
        } catch (RuntimeException | LinkageError e) {
            listener.onRedisCall(op, false, nanoTime.getAsLong() - start);
            if (exhausted(e)) {
                // Every connection is in use by this JVM's other requests past fleet.timeout: not Redis' fault.
                breaker.released();
                throw FleetUnavailable.BUSY;
            }
            breaker.failed(e, began);
            throw FleetUnavailable.FAILED;
        }
    }

    /** The pool's "Timeout waiting for idle object", as Jedis wraps it (a failed connect is another exception). */
    private static boolean exhausted(Throwable e) {
        return e instanceof JedisException && e.getCause() instanceof java.util.NoSuchElementException
                && e.getCause().getCause() == null;
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        pool.close();
    }
}
