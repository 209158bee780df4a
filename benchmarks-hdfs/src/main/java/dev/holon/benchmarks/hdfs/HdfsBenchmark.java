package dev.holon.benchmarks.hdfs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.server.blockmanagement.BlockManager;
import org.apache.hadoop.hdfs.server.blockmanagement.DatanodeDescriptor;
import org.apache.hadoop.hdfs.server.blockmanagement.DatanodeManager;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.apache.hadoop.hdfs.server.datanode.ReplicaInfo;
import org.apache.hadoop.hdfs.server.namenode.FSNamesystem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;

/**
 * The HDFS side of the storage benchmark, in its own JVM (Hadoop's dependency set stays away from Boot 4's), one
 * client, the same bytes as the Holon side:
 * <ol>
 *   <li><b>Big file</b>: a {@link MiniDFSCluster} with 3 DataNodes; the given local file written with replication 3
 *   (128 MiB blocks, the default; DataNodes do not fsync a block on close), then read back with its SHA-256 checked;
 *   MiB/s for each, the median of five rounds (the file deleted after each). Then once with
 *   {@link CreateFlag#SYNC_BLOCK} (fsync of each block on close, what a Holon worker does for each chunk with
 *   {@code sync-on-close}). Before, untimed (JIT warm-up; the Holon side does the same): the first 200 small files
 *   written and read five times, then the 1 GiB file written, read and deleted twice.</li>
 *   <li><b>Small files</b>, same cluster: every {@code small-*.bin} of the small files dir (1,000 of 1 MiB in the real
 *   run) written, one {@code create} each with replication 3 (HDFS's default, no SYNC_BLOCK), then all read back, each
 *   checked for its length and CRC32C; MiB/s and files/s for each.</li>
 *   <li><b>Repair</b>: once the first cluster is gone (its data deleted), a second one with 4 DataNodes holding the
 *   big file and the small files at replication 3, with heartbeat, dead-node recheck and redundancy monitor set low
 *   (a fair match for Holon, which marks a silent worker DOWN after 4 s) and replication streams close to Holon's
 *   repair concurrency of 4. The DataNode holding the most bytes is stopped abruptly ({@code stopDataNode}: it does
 *   not tell the NameNode, like a kill), then, polling every 100 ms: the seconds until the NameNode counts it dead, and
 *   until every block has 3 live replicas again. Gives up after 10 minutes.</li>
 * </ol>
 * <p>Args: {@code <big data file> <sha-256 hex of it> <work dir> <small files dir>}. Prints readable lines, then one
 * line {@code RESULT key=value ...} for the launching benchmark: {@code write read writeSync readSync smallWrite
 * smallRead} (MiB/s), {@code smallWriteFiles smallReadFiles} (files/s), {@code repair repairDead} (seconds from the
 * stop to every block at 3 live replicas, to the NameNode counting the node dead) and {@code repairMiB} (what the
 * stopped DataNode held). The three repair keys are left out when the repair did not complete. Progress of the repair
 * goes to stderr (the launcher's log).
 */
public final class HdfsBenchmark {

    private static final int BUFFER = 1 << 20;
    private static final short REPLICATION = 3;
    private static final long BLOCK_SIZE = 128L << 20;
    /** How often the first 200 small files are written and read before the clock starts (as many as on Holon's side). */
    private static final int WARM_UP_ROUNDS = 5;
    /** How often the 1 GiB file is written and read, untimed, before the timed rounds (as on Holon's side). */
    private static final int WARM_UP_BIG_ROUNDS = 2;
    private static final double MIB = 1048576.0;
    /** How often the 1 GiB file is written and read (as on Holon's side); the median is the figure. */
    private static final int BIG_ROUNDS = 5;

    /** The repair phase: how often the NameNode is looked at, and for how long before giving up. */
    private static final long POLL_MILLIS = 100;
    private static final long REPAIR_LIMIT_NANOS = 600_000_000_000L;

    /** RESULT's keys, in this order. */
    private static final List<String> KEYS = List.of("write", "read", "writeSync", "readSync", "smallWrite",
            "smallRead", "smallWriteFiles", "smallReadFiles", "repair", "repairDead", "repairMiB");

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: HdfsBenchmark <big data file> <sha-256 hex of it> <work dir> <small files dir>");
            System.exit(2);
        }
        Path big = Path.of(args[0]);
        String expectedSha = args[1];
        Path work = Path.of(args[2]).toAbsolutePath();
        List<Path> small = smallFiles(Path.of(args[3]));
        SmallExpected expected = SmallExpected.of(small);
        Map<String, Double> result = new LinkedHashMap<>();

        Path throughputDir = work.resolve("throughput");
        try {
            throughput(throughputDir, big, expectedSha, small, expected, result);
        } finally {
            deleteRecursively(throughputDir); // the disk, before the second cluster
        }

        Path repairDir = work.resolve("repair");
        try {
            repair(repairDir, big, small, result);
        } catch (Exception e) {
            System.out.println("HDFS repair: failed: " + e);
            e.printStackTrace();
        } finally {
            deleteRecursively(repairDir);
        }

        System.out.println("RESULT " + KEYS.stream().filter(result::containsKey)
                .map(k -> k + "=" + String.format(java.util.Locale.ROOT, "%.1f", result.get(k)))
                .collect(Collectors.joining(" ")));
    }

    // ---------------------------------------------------------------- 1 and 2: throughput, 3 DataNodes

    private static void throughput(Path dir, Path data, String expectedSha, List<Path> small, SmallExpected expected,
                                   Map<String, Double> result) throws Exception {
        long size = Files.size(data);
        Configuration conf = new HdfsConfiguration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toString());
        long started = System.nanoTime();
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, dir.toFile()).numDataNodes(3).build();
        try {
            cluster.waitActive();
            System.out.printf("HDFS: MiniDFSCluster with 3 DataNodes up in %.1f s%n", seconds(started));
            FileSystem fs = cluster.getFileSystem();
            org.apache.hadoop.fs.Path plain = new org.apache.hadoop.fs.Path("/bench/big.bin");
            org.apache.hadoop.fs.Path synced = new org.apache.hadoop.fs.Path("/bench/big-sync.bin");

            // warm-up (untimed), as on Holon's side: 200 small files five times, then the 1 GiB file written, read and
            // deleted WARM_UP_BIG_ROUNDS times
            org.apache.hadoop.fs.Path warmUpSmall = new org.apache.hadoop.fs.Path("/bench/warm-up-small");
            List<Path> warmUpFiles = small.subList(0, Math.min(small.size(), 200));
            for (int round = 0; round < WARM_UP_ROUNDS; round++) {
                org.apache.hadoop.fs.Path roundDir = new org.apache.hadoop.fs.Path(warmUpSmall, String.valueOf(round));
                writeSmall(fs, roundDir, warmUpFiles);
                for (Path file : warmUpFiles) {
                    try (FSDataInputStream in = fs.open(new org.apache.hadoop.fs.Path(roundDir,
                            file.getFileName().toString()), BUFFER)) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                }
            }
            fs.delete(warmUpSmall, true);
            org.apache.hadoop.fs.Path warmUp = new org.apache.hadoop.fs.Path("/bench/warm-up.bin");
            for (int round = 0; round < WARM_UP_BIG_ROUNDS; round++) {
                write(fs, warmUp, data, size, false);
                try (FSDataInputStream in = fs.open(warmUp, BUFFER)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
                fs.delete(warmUp, false);
            }

            // The 1 GiB write and read BIG_ROUNDS times, the median counts: on this machine the same write costs the
            // kernel 2-3 times more CPU in one run than in the next (benchmarks/README.md, "Run-to-run spread").
            double[] writes = new double[BIG_ROUNDS];
            double[] reads = new double[BIG_ROUNDS];
            for (int round = 0; round < BIG_ROUNDS; round++) {
                flushDirtyPages();
                Cpu cpu = Cpu.now();
                writes[round] = write(fs, plain, data, size, false);
                Cpu writeCpu = Cpu.now().minus(cpu);
                flushDirtyPages();
                cpu = Cpu.now();
                reads[round] = read(fs, plain, size, expectedSha);
                Cpu readCpu = Cpu.now().minus(cpu);
                short replicas = fs.getFileStatus(plain).getReplication();
                fs.delete(plain, false); // the disk (the DataNodes delete the blocks in the background)
                System.out.printf("HDFS: %d MiB, replication %d, one client, round %d of %d: write %.1f MiB/s, read %.1f"
                                + " MiB/s (SHA-256 ok); CPU seconds of this JVM (NameNode, 3 DataNodes and the client"
                                + " together): write %s, read %s%n", size >> 20, replicas, round + 1, BIG_ROUNDS,
                        writes[round], reads[round], writeCpu, readCpu);
            }
            double write = median(writes);
            double read = median(reads);
            flushDirtyPages();
            double writeSync = write(fs, synced, data, size, true);
            double readSync = read(fs, synced, size, expectedSha);
            fs.delete(synced, false);
            System.out.printf("HDFS: %d MiB, median of %d rounds: write %.1f MiB/s, read %.1f MiB/s; with SYNC_BLOCK"
                            + " (fsync per block), once: write %.1f MiB/s, read %.1f MiB/s%n",
                    size >> 20, BIG_ROUNDS, write, read, writeSync, readSync);
            result.put("write", write);
            result.put("read", read);
            result.put("writeSync", writeSync);
            result.put("readSync", readSync);

            org.apache.hadoop.fs.Path smallDir = new org.apache.hadoop.fs.Path("/bench/small");
            flushDirtyPages();
            Cpu cpu = Cpu.now();
            long smallStarted = System.nanoTime();
            long[] perFile = writeSmall(fs, smallDir, small);
            long nanos = System.nanoTime() - smallStarted;
            Cpu smallWriteCpu = Cpu.now().minus(cpu);
            double smallWrite = expected.bytes / MIB / (nanos / 1e9);
            double smallWriteFiles = small.size() / (nanos / 1e9);
            flushDirtyPages();
            cpu = Cpu.now();
            nanos = readSmall(fs, smallDir, small, expected);
            Cpu smallReadCpu = Cpu.now().minus(cpu);
            double smallRead = expected.bytes / MIB / (nanos / 1e9);
            double smallReadFiles = small.size() / (nanos / 1e9);
            System.out.printf("HDFS: %d small files (%.0f MiB), one create each, replication 3, one client:"
                            + " write %.1f MiB/s (%.1f files/s), read %.1f MiB/s (%.1f files/s; length and CRC32C of each"
                            + " ok); CPU seconds: write %s, read %s%n",
                    small.size(), expected.bytes / MIB, smallWrite, smallWriteFiles, smallRead, smallReadFiles,
                    smallWriteCpu, smallReadCpu);
            Arrays.sort(perFile);
            System.out.printf("HDFS: small file writes, each create to close: median %.0f ms, 90th percentile %.0f ms,"
                            + " max %.0f ms%n", perFile[perFile.length / 2] / 1e6, perFile[perFile.length * 9 / 10] / 1e6,
                    perFile[perFile.length - 1] / 1e6);
            result.put("smallWrite", smallWrite);
            result.put("smallRead", smallRead);
            result.put("smallWriteFiles", smallWriteFiles);
            result.put("smallReadFiles", smallReadFiles);
        } finally {
            cluster.shutdown(true);
        }
    }

    /** {@code sync} before each phase, as on Holon's side: no phase pays for the writeback of the one before it. */
    private static void flushDirtyPages() throws IOException, InterruptedException {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
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

    /**
     * Writes every small file (read from the local disk inside the caller's timing, as the big file is), one create
     * each; returns the nanoseconds from each create to its close. close() waits for the NameNode to complete the
     * file, which needs a DataNode's report of the block: when none has arrived yet the client asks again after 400 ms
     * ({@code dfs.client.block.write.locateFollowingBlock.initial.delay.ms}, left at HDFS's default), which shows in
     * the slow tail printed.
     */
    private static long[] writeSmall(FileSystem fs, org.apache.hadoop.fs.Path dir, List<Path> small) throws IOException {
        EnumSet<CreateFlag> flags = EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE);
        long[] perFile = new long[small.size()];
        for (int i = 0; i < small.size(); i++) {
            Path file = small.get(i);
            byte[] bytes = Files.readAllBytes(file);
            long started = System.nanoTime();
            try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(dir, file.getFileName().toString()),
                    FsPermission.getFileDefault(), flags, BUFFER, REPLICATION, BLOCK_SIZE, null)) {
                out.write(bytes);
            } // close() also waits for the NameNode to complete the file
            perFile[i] = System.nanoTime() - started;
        }
        return perFile;
    }

    /** Reads every small file back, checking its length and CRC32C; throws on the first mismatch. */
    private static long readSmall(FileSystem fs, org.apache.hadoop.fs.Path dir, List<Path> small,
                                  SmallExpected expected) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long started = System.nanoTime();
        for (int i = 0; i < small.size(); i++) {
            String name = small.get(i).getFileName().toString();
            CRC32C crc = new CRC32C();
            long total = 0;
            try (FSDataInputStream in = fs.open(new org.apache.hadoop.fs.Path(dir, name), BUFFER)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    crc.update(buffer, 0, n);
                    total += n;
                }
            }
            if (total != expected.lengths[i] || crc.getValue() != expected.crcs[i]) {
                throw new IllegalStateException("HDFS read " + name + ": " + total + " bytes, CRC32C "
                        + Long.toHexString(crc.getValue()) + "; expected " + expected.lengths[i] + " bytes, "
                        + Long.toHexString(expected.crcs[i]));
            }
        }
        return System.nanoTime() - started;
    }

    // ---------------------------------------------------------------- 3: repair, 4 DataNodes

    private static void repair(Path dir, Path data, List<Path> small, Map<String, Double> result) throws Exception {
        Configuration conf = new HdfsConfiguration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toString());
        // failure detection as low as a fair match for Holon (DOWN after 4 s of silence) allows
        conf.setLong(DFSConfigKeys.DFS_HEARTBEAT_INTERVAL_KEY, 1); // s
        conf.setInt(DFSConfigKeys.DFS_NAMENODE_HEARTBEAT_RECHECK_INTERVAL_KEY, 500); // ms
        conf.setInt(DFSConfigKeys.DFS_NAMENODE_REDUNDANCY_INTERVAL_SECONDS_KEY, 1);
        // replication streams comparable to Holon's repair concurrency of 4
        conf.setInt(DFSConfigKeys.DFS_NAMENODE_REPLICATION_MAX_STREAMS_KEY, 4);
        conf.setInt(DFSConfigKeys.DFS_NAMENODE_REPLICATION_STREAMS_HARD_LIMIT_KEY, 8);
        conf.setInt(DFSConfigKeys.DFS_NAMENODE_REPLICATION_WORK_MULTIPLIER_PER_ITERATION, 4);
        long started = System.nanoTime();
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, dir.toFile()).numDataNodes(4).build();
        try {
            cluster.waitActive();
            FSNamesystem namesystem = cluster.getNamesystem();
            BlockManager blocks = namesystem.getBlockManager();
            DatanodeManager datanodes = blocks.getDatanodeManager();
            long heartbeatSeconds = datanodes.getHeartbeatInterval();
            long recheckMillis = datanodes.getHeartbeatRecheckInterval();
            double deadTimeout = (2 * recheckMillis + 10 * 1000 * heartbeatSeconds) / 1000.0; // DatanodeManager's
            System.out.printf("HDFS repair: MiniDFSCluster with 4 DataNodes up in %.1f s; heartbeat %d s, recheck %d ms"
                            + " -> dead after %.1f s of silence (2 x recheck + 10 x heartbeat; the NameNode's heartbeat"
                            + " monitor looks every 5 s at most); redundancy monitor every %s s; replication streams"
                            + " %d (hard limit %d), %d blocks per live DataNode per round%n",
                    seconds(started), heartbeatSeconds, recheckMillis, deadTimeout,
                    conf.get(DFSConfigKeys.DFS_NAMENODE_REDUNDANCY_INTERVAL_SECONDS_KEY),
                    blocks.getMaxReplicationStreams(), blocks.getReplicationStreamsHardLimit(),
                    blocks.getBlocksReplWorkMultiplier());

            FileSystem fs = cluster.getFileSystem();
            org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path("/repair");
            long loading = System.nanoTime();
            write(fs, new org.apache.hadoop.fs.Path(root, "big.bin"), data, Files.size(data), false);
            writeSmall(fs, new org.apache.hadoop.fs.Path(root, "small"), small);
            long expectedBlocks = (Files.size(data) + BLOCK_SIZE - 1) / BLOCK_SIZE + small.size();
            double loaded = seconds(loading);

            long waiting = System.nanoTime();
            while (!fullyReplicated(blocks, fs, root, expectedBlocks, null)) {
                if (System.nanoTime() - waiting > REPAIR_LIMIT_NANOS) {
                    throw new IllegalStateException("not fully replicated " + REPAIR_LIMIT_NANOS / 1_000_000_000L
                            + " s after the writes");
                }
                Thread.sleep(POLL_MILLIS);
            }
            String bpid = blocks.getBlockPoolId();
            List<DataNode> nodes = cluster.getDataNodes();
            long[] held = new long[nodes.size()];
            int[] replicas = new int[nodes.size()];
            int victim = 0;
            for (int i = 0; i < nodes.size(); i++) {
                for (ReplicaInfo replica : nodes.get(i).getFSDataset().getFinalizedBlocks(bpid)) {
                    held[i] += replica.getNumBytes();
                    replicas[i]++;
                }
                if (held[i] > held[victim]) {
                    victim = i;
                }
            }
            System.out.printf("HDFS repair: %d blocks (big file and %d small files) written in %.1f s, all at"
                            + " replication 3 %.1f s later; MiB held per DataNode: %s%n",
                    expectedBlocks, small.size(), loaded, seconds(waiting),
                    Arrays.stream(held).mapToObj(b -> String.format("%.0f", b / MIB)).collect(Collectors.joining(", ")));

            DataNode dead = nodes.get(victim);
            String deadXfer = dead.getDatanodeId().getXferAddr();
            DatanodeDescriptor deadDescriptor = datanodes.getDatanode(dead.getDatanodeUuid());
            double deadMiB = held[victim] / MIB;

            long stopping = System.nanoTime();
            cluster.stopDataNode(victim); // no word to the NameNode: a kill as far as it can tell
            double stopSeconds = seconds(stopping);
            double deadAt = -1;
            double removedAt = -1;
            double repairedAt = -1;
            long lastProgress = 0;
            while (System.nanoTime() - stopping < REPAIR_LIMIT_NANOS) {
                double t = seconds(stopping);
                boolean countedDead = namesystem.getNumDeadDataNodes() >= 1;
                if (countedDead && deadAt < 0) {
                    deadAt = t;
                }
                if (!deadDescriptor.isAlive() && removedAt < 0) {
                    removedAt = t; // removed from the live nodes: its replicas no longer count, reconstruction starts
                }
                if (countedDead && removedAt >= 0 && fullyReplicated(blocks, fs, root, expectedBlocks, deadXfer)) {
                    repairedAt = seconds(stopping);
                    break;
                }
                if (System.nanoTime() - lastProgress > 5_000_000_000L) {
                    lastProgress = System.nanoTime();
                    System.err.printf("HDFS repair: %.1f s after the stop: dead DataNodes %d, low redundancy %d,"
                                    + " pending reconstruction %d, scheduled %d%n", t, namesystem.getNumDeadDataNodes(),
                            blocks.getLowRedundancyBlocksCount(), blocks.getPendingReconstructionBlocksCount(),
                            blocks.getScheduledReplicationBlocksCount());
                }
                Thread.sleep(POLL_MILLIS);
            }
            if (repairedAt < 0) {
                System.out.printf("HDFS repair: GAVE UP %d s after stopping DataNode %d (%s, %.0f MiB in %d blocks):"
                                + " counted dead %s, removed %s, low redundancy %d, pending reconstruction %d%n",
                        REPAIR_LIMIT_NANOS / 1_000_000_000L, victim, deadXfer, deadMiB, replicas[victim],
                        deadAt < 0 ? "no" : String.format("after %.1f s", deadAt),
                        removedAt < 0 ? "no" : String.format("after %.1f s", removedAt),
                        blocks.getLowRedundancyBlocksCount(), blocks.getPendingReconstructionBlocksCount());
                return;
            }
            System.out.printf("HDFS repair: DataNode %d (%s, %.0f MiB in %d blocks) stopped (%.1f s to shut down);"
                            + " counted dead after %.1f s, removed from the live nodes after %.1f s; every block at 3"
                            + " live replicas after %.1f s (the copies: %.1f s since the removal, %.1f MiB/s)%n",
                    victim, deadXfer, deadMiB, replicas[victim], stopSeconds, deadAt, removedAt, repairedAt,
                    repairedAt - removedAt, deadMiB / Math.max(repairedAt - removedAt, 1e-3));
            result.put("repair", repairedAt);
            result.put("repairDead", deadAt);
            result.put("repairMiB", deadMiB);
        } finally {
            cluster.shutdown(true);
        }
    }

    /**
     * Whether the NameNode sees nothing left to do (no low-redundancy block, no pending reconstruction) and, checked
     * against the file listing (those counters are refreshed once a redundancy round), every one of the expected
     * blocks under {@code root} has 3 replicas, none on {@code deadXfer}.
     */
    private static boolean fullyReplicated(BlockManager blocks, FileSystem fs, org.apache.hadoop.fs.Path root,
                                           long expectedBlocks, String deadXfer) throws IOException {
        if (blocks.getLowRedundancyBlocksCount() != 0 || blocks.getPendingReconstructionBlocksCount() != 0) {
            return false;
        }
        long seen = 0;
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
        while (files.hasNext()) {
            for (BlockLocation block : files.next().getBlockLocations()) {
                seen++;
                String[] names = block.getNames();
                if (names.length < REPLICATION || (deadXfer != null && Arrays.asList(names).contains(deadXfer))) {
                    return false;
                }
            }
        }
        return seen == expectedBlocks;
    }

    // ---------------------------------------------------------------- helpers

    /** The small files, {@code small-*.bin} sorted by name. */
    private static List<Path> smallFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "small-*.bin")) {
            stream.forEach(files::add);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no small-*.bin in " + dir);
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return files;
    }

    /** Length and CRC32C of each small file, taken before (untimed). */
    private record SmallExpected(long[] lengths, long[] crcs, long bytes) {
        static SmallExpected of(List<Path> files) throws IOException {
            long[] lengths = new long[files.size()];
            long[] crcs = new long[files.size()];
            long bytes = 0;
            for (int i = 0; i < files.size(); i++) {
                byte[] content = Files.readAllBytes(files.get(i));
                CRC32C crc = new CRC32C();
                crc.update(content);
                lengths[i] = content.length;
                crcs[i] = crc.getValue();
                bytes += content.length;
            }
            return new SmallExpected(lengths, crcs, bytes);
        }
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

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** CPU time of this whole JVM (every HDFS daemon and the client run in it). */
    /** This JVM's CPU clock ticks (100 per second) from /proc: user and system apart. */
    private record Cpu(long user, long system) {
        static Cpu now() throws IOException {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new Cpu(Long.parseLong(fields[11]), Long.parseLong(fields[12])); // fields 14 and 15 of proc(5)
        }

        Cpu minus(Cpu before) {
            return new Cpu(user - before.user, system - before.system);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.1f (system %.1f)", (user + system) / 100.0, system / 100.0);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return bytes / MIB / (nanos / 1e9);
    }
}
