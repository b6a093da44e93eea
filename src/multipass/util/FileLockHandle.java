// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * An exclusive advisory lock on a lock file, held until {@link #close()}. The kernel releases
 * it if the process dies, so a crash never leaves a stale lock. File locks exclude other
 * processes only, so threads of this process are serialised by an in-process semaphore first
 * (not a reentrant lock: the daemon takes its lock on one thread and may release it on the
 * shutdown hook's).
 */
public final class FileLockHandle implements AutoCloseable {
    private static final Map<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();

    private final Semaphore threadLock;
    private final FileChannel channel;
    private final FileLock lock;

    private FileLockHandle(Semaphore threadLock, FileChannel channel, FileLock lock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits for the lock on {@code file} (created if missing). */
    public static FileLockHandle acquire(Path file) throws IOException {
        Semaphore threadLock = threadLock(file);
        threadLock.acquireUninterruptibly();
        try {
            FileChannel channel = open(file);
            try {
                return new FileLockHandle(threadLock, channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            threadLock.release();
            throw e;
        }
    }

    /** The lock on {@code file} if no other process or thread holds it, else empty. */
    public static Optional<FileLockHandle> tryAcquire(Path file) throws IOException {
        Semaphore threadLock = threadLock(file);
        if (!threadLock.tryAcquire()) {
            return Optional.empty();
        }
        try {
            FileChannel channel = open(file);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                threadLock.release();
                return Optional.empty();
            }
            return Optional.of(new FileLockHandle(threadLock, channel, lock));
        } catch (IOException | RuntimeException e) {
            threadLock.release();
            throw e;
        }
    }

    private static Semaphore threadLock(Path file) {
        return IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new Semaphore(1));
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                threadLock.release();
            }
        }
    }
}
