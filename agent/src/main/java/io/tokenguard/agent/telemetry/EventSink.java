package io.tokenguard.agent.telemetry;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Where violation events go: stderr, or the file of tokenguard.events.file (appended, one object
 * per line, flushed per line). A file that cannot be opened or written costs one error line and
 * the events continue on stderr.
 */
final class EventSink implements Consumer<String>, AutoCloseable {
    static final String KEY = "tokenguard.events.file";

    private final String path;
    private Writer file;

    private EventSink(String path, Writer file) {
        this.path = path;
        this.file = file;
    }

    static EventSink open(String path) {
        if (path == null) {
            return new EventSink(null, null);
        }
        try {
            Writer w = new OutputStreamWriter(OwnerOnlyFiles.append(path), StandardCharsets.UTF_8);
            return new EventSink(path, w);
        } catch (IOException | RuntimeException e) {
            AgentLog.error("cannot write " + KEY + "=" + path + " (" + e.getClass().getSimpleName()
                    + "); violation events go to stderr");
            return new EventSink(path, null);
        }
    }

    @Override
    public synchronized void accept(String line) {
        if (file != null) {
            try {
                file.write(line);
                file.write('\n');
                file.flush();
                return;
            } catch (IOException e) {
                AgentLog.error("cannot write " + KEY + "=" + path + " (" + e.getClass().getSimpleName()
                        + "); violation events go to stderr from now on");
                closeQuietly();
            }
        }
        AgentLog.raw(line);
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // Every line was flushed already.
            }
            file = null;
        }
    }
}
