package dev.holon.benchmarks.hdfs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;

/**
 * The HDFS side of the storage benchmark, in its own JVM (Hadoop's dependency set stays away from Boot 4's):
 * a {@link MiniDFSCluster} with 3 DataNodes, one client; the given local file written with replication 3
 * (128 MiB blocks, the default), then read back with its SHA-256 checked; MiB/s for each. Written twice: as HDFS
 * does by default (DataNodes do not fsync a block on close) and with {@link CreateFlag#SYNC_BLOCK} (fsync of each
 * block on close, what a Holon worker does for each chunk). The first 64 MiB are written and read once before,
 * untimed (JIT warm-up; the Holon side does the same).
 * <p>Args: {@code <data file> <sha-256 hex of it> <work dir>}. Prints one line {@code RESULT key=value ...} for the
 * launching benchmark, and readable lines before it.
 */
public final class HdfsBenchmark {

    private static final int BUFFER = 1 << 20;
    private static final short REPLICATION = 3;
    private static final long BLOCK_SIZE = 128L << 20;

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        String expectedSha = args[1];
        Path work = Path.of(args[2]);
        long size = Files.size(data);
        Configuration conf = new HdfsConfiguration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.toAbsolutePath().toString());
        long started = System.nanoTime();
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, work.toFile()).numDataNodes(3).build();
        try {
            cluster.waitActive();
            System.out.printf("HDFS: MiniDFSCluster with 3 DataNodes up in %.1f s%n", (System.nanoTime() - started) / 1e9);
            FileSystem fs = cluster.getFileSystem();
            org.apache.hadoop.fs.Path plain = new org.apache.hadoop.fs.Path("/bench/big.bin");
            org.apache.hadoop.fs.Path synced = new org.apache.hadoop.fs.Path("/bench/big-sync.bin");

            // warm-up (untimed), as on Holon's side: the first 64 MiB written and read once
            org.apache.hadoop.fs.Path warmUp = new org.apache.hadoop.fs.Path("/bench/warm-up.bin");
            write(fs, warmUp, data, Math.min(size, 64L << 20), false);
            try (FSDataInputStream in = fs.open(warmUp, BUFFER)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            fs.delete(warmUp, false);

            long cpu = cpuNanos();
            double write = write(fs, plain, data, size, false);
            double writeCpu = (cpuNanos() - cpu) / 1e9;
            cpu = cpuNanos();
            double read = read(fs, plain, size, expectedSha);
            double readCpu = (cpuNanos() - cpu) / 1e9;
            double writeSync = write(fs, synced, data, size, true);
            double readSync = read(fs, synced, size, expectedSha);
            int replicas = fs.getFileStatus(plain).getReplication();
            System.out.printf("HDFS: %d MiB, replication %d, one client: write %.1f MiB/s, read %.1f MiB/s (SHA-256 ok);"
                            + " with SYNC_BLOCK (fsync per block): write %.1f MiB/s, read %.1f MiB/s%n",
                    size >> 20, replicas, write, read, writeSync, readSync);
            System.out.printf("HDFS: CPU seconds of this JVM (NameNode, 3 DataNodes and the client together): write %.1f,"
                    + " read %.1f (default run)%n", writeCpu, readCpu);
            System.out.printf("RESULT write=%.1f read=%.1f writeSync=%.1f readSync=%.1f%n", write, read, writeSync, readSync);
        } finally {
            cluster.shutdown(true);
        }
    }

    private static double write(FileSystem fs, org.apache.hadoop.fs.Path path, Path data, long size, boolean syncBlock)
            throws Exception {
        EnumSet<CreateFlag> flags = syncBlock ? EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE, CreateFlag.SYNC_BLOCK)
                : EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE);
        byte[] buffer = new byte[BUFFER];
        long started = System.nanoTime();
        try (InputStream in = new BoundedInput(Files.newInputStream(data), size);
             FSDataOutputStream out = fs.create(path, FsPermission.getFileDefault(), flags, BUFFER, REPLICATION,
                     BLOCK_SIZE, null)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        } // close() returns once every DataNode of the pipeline acknowledged the last packet
        return mibPerSecond(size, System.nanoTime() - started);
    }

    private static double read(FileSystem fs, org.apache.hadoop.fs.Path path, long size, String expectedSha)
            throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        long started = System.nanoTime();
        try (FSDataInputStream in = fs.open(path, BUFFER)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                total += n;
            }
        }
        long nanos = System.nanoTime() - started;
        String actual = HexFormat.of().formatHex(sha.digest());
        if (total != size || !actual.equals(expectedSha)) {
            throw new IllegalStateException("HDFS read " + total + " bytes, SHA-256 " + actual + "; expected " + size
                    + " bytes, " + expectedSha);
        }
        return mibPerSecond(size, nanos);
    }

    /** The first {@code limit} bytes of a stream. */
    private static final class BoundedInput extends java.io.FilterInputStream {
        private long left;

        BoundedInput(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            left -= Math.max(n, 0);
            return n;
        }
    }

    /** CPU time of this whole JVM (every HDFS daemon and the client run in it). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return bytes / 1048576.0 / (nanos / 1e9);
    }
}
