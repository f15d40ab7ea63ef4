package io.tokenguard.it.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A "Redis" that accepts every connection and never answers a byte: what a hung server, a full
 * accept queue behind a proxy or a half-open network path looks like to a client. Counts the
 * connections it took, so a test can tell the agent really tried.
 */
public final class BlackHole implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    public BlackHole() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName(RedisServer.LOOPBACK));
        acceptor = new Thread(this::accept, "black-hole-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                connections.incrementAndGet();
            } catch (IOException e) {
                return;
            }
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public String uri() {
        return "redis://" + RedisServer.LOOPBACK + ":" + port();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Stops listening and drops every connection (the port is free again, e.g. for a real Redis). */
    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket s : accepted) {
            s.close();
        }
    }
}
