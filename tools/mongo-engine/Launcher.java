import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Dancely's embedded MongoDB-compatible engine: mongo-java-server, tuned so that the
 * MongoDB Node.js driver 7 (Mongoose 9) accepts it.
 *
 * Usage: java -cp 'var/engine/jars/*' tools/mongo-engine/Launcher.java
 *            [--port N] [--host 127.0.0.1] [--data FILE | --memory] [--ignore-stdin] [--verbose]
 *
 * Prints exactly one line to stdout, "READY mongodb://HOST:PORT", once it accepts connections.
 * Stops on SIGTERM/SIGINT, and also when its standard input reaches end of file, so that a
 * parent process which spawned it with a pipe on stdin never leaves it behind.
 */
public final class Launcher {

    /** Session timeout advertised in the handshake; the driver only uses sessions when it is present. */
    private static final int LOGICAL_SESSION_TIMEOUT_MINUTES = 30;

    /** MongoDB 5.0 speaks wire version 13; driver 7 wants at least 9 (MongoDB 4.2). */
    private static final MongoVersion MONGO_5_0_WIRE_13 = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    };

    private static volatile boolean shuttingDown;

    private Launcher() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            // Never linger half-started: netty's non-daemon threads would keep the JVM alive.
            System.err.println("mongo-engine: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mongo-engine: " + e.getMessage());
            System.err.println("usage: Launcher [--port N] [--host ADDR] [--data FILE | --memory] [--ignore-stdin] [--verbose]");
            System.exit(2);
            return;
        }

        // Must be set before the first logger is created (mongo-java-server logs every connection at INFO).
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", options.verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");

        MongoBackend backend;
        try {
            backend = createBackend(options);
        } catch (RuntimeException e) {
            System.err.println("mongo-engine: cannot open the data file " + options.dataFile + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        backend.version(MONGO_5_0_WIRE_13);
        MongoServer server = new MongoServer(backend);

        ReadableByteChannel stdin = options.ignoreStdin ? null : openStdin();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown = true;
            try {
                // Closes client connections, stops the event loops, then closes the backend
                // (for H2 that commits and closes the MVStore file, leaving it consistent).
                server.shutdownNow();
            } catch (RuntimeException e) {
                System.err.println("mongo-engine: error during shutdown: " + e);
            } finally {
                // The JVM waits up to 300 ms at exit for threads still blocked in a native read;
                // closing the channel wakes the stdin watcher up so the process ends at once.
                closeQuietly(stdin);
                stopped.countDown();
            }
        }, "mongo-engine-shutdown"));

        try {
            server.bind(options.host, options.port);
        } catch (Exception e) { // netty rethrows the checked BindException undeclared
            System.err.println("mongo-engine: cannot listen on " + options.host + ":" + options.port + ": " + e);
            System.exit(1);
            return;
        }

        InetSocketAddress address = server.getLocalAddress();
        String host = options.host.equals("0.0.0.0") ? "127.0.0.1" : options.host;
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        System.out.println("READY mongodb://" + host + ":" + address.getPort());
        System.out.flush();

        if (stdin != null) {
            watchStdin(stdin);
        }

        stopped.await();
    }

    private static MongoBackend createBackend(Options options) {
        if (options.dataFile == null) {
            return new SessionAwareMemoryBackend();
        }
        File file = new File(options.dataFile).getAbsoluteFile();
        File parent = file.getParentFile();
        if (parent != null && !parent.isDirectory() && !parent.mkdirs()) {
            throw new IllegalStateException("cannot create directory " + parent);
        }
        return new SessionAwareH2Backend(file.getPath());
    }

    /**
     * Standard input as a channel whose close() interrupts a blocked read: a Node parent's
     * stdio "pipe" is a socketpair (an inherited socket channel); a shell's is a pipe or a tty.
     */
    private static ReadableByteChannel openStdin() {
        try {
            java.nio.channels.Channel inherited = System.inheritedChannel();
            if (inherited instanceof ReadableByteChannel readable) {
                return readable;
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        try {
            return FileChannel.open(Path.of("/dev/stdin"), StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            return Channels.newChannel(System.in);
        }
    }

    /** Exits (running the shutdown hook) when stdin reaches EOF, i.e. when the parent is gone. */
    private static void watchStdin(ReadableByteChannel stdin) {
        Thread watcher = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(256);
            try {
                while (stdin.read(buffer) >= 0) {
                    buffer.clear(); // whatever the parent writes is ignored; only the end matters
                }
            } catch (IOException | RuntimeException e) {
                // A broken stdin means the same as EOF; a close by the shutdown hook ends the watch.
            }
            if (!shuttingDown) {
                System.exit(0);
            }
        }, "mongo-engine-stdin");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            // nothing left to do
        }
    }

    /** Adds what the Node driver needs to the handshake reply; shared by both backends. */
    static Document adjustHandshake(String command, Document reply) {
        if (reply == null) {
            return null;
        }
        reply.putIfAbsent("logicalSessionTimeoutMinutes", LOGICAL_SESSION_TIMEOUT_MINUTES);
        if (command.equalsIgnoreCase("hello")) {
            reply.remove("ismaster");
            reply.put("isWritablePrimary", Boolean.TRUE);
        }
        return reply;
    }

    static boolean isHandshake(String command) {
        return command.equalsIgnoreCase("ismaster") || command.equalsIgnoreCase("hello");
    }

    static Document handleWithHandshake(Channel channel, String database, String command, Document query,
                                        Delegate delegate) {
        if (!isHandshake(command)) {
            return delegate.handle(channel, database, command, query);
        }
        // The library only knows the legacy name; answer "hello" with the same document.
        Document reply = delegate.handle(channel, database, "ismaster", query);
        return adjustHandshake(command, reply);
    }

    @FunctionalInterface
    interface Delegate {
        Document handle(Channel channel, String database, String command, Document query);
    }

    static final class SessionAwareMemoryBackend extends MemoryBackend {
        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            return handleWithHandshake(channel, database, command, query, super::handleCommand);
        }
    }

    static final class SessionAwareH2Backend extends H2Backend {
        SessionAwareH2Backend(String fileName) {
            super(fileName);
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            return handleWithHandshake(channel, database, command, query, super::handleCommand);
        }
    }

    static final class Options {
        String host = "127.0.0.1";
        int port = 0;
        String dataFile;
        boolean ignoreStdin;
        boolean verbose;

        static Options parse(String[] args) {
            Options o = new Options();
            boolean memory = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--port" -> o.port = parsePort(value(args, ++i, arg));
                    case "--host" -> o.host = value(args, ++i, arg);
                    case "--data" -> o.dataFile = value(args, ++i, arg);
                    case "--memory" -> memory = true;
                    case "--ignore-stdin" -> o.ignoreStdin = true;
                    case "--verbose" -> o.verbose = true;
                    default -> throw new IllegalArgumentException("unknown argument: " + arg);
                }
            }
            if (memory && o.dataFile != null) {
                throw new IllegalArgumentException("--data and --memory exclude each other");
            }
            return o;
        }

        private static String value(String[] args, int index, String flag) {
            if (index >= args.length || args[index].isEmpty()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[index];
        }

        private static int parsePort(String text) {
            try {
                int port = Integer.parseInt(text);
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid port: " + text);
            }
        }
    }
}
