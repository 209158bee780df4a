package dev.holon.worker.chunks;

import java.util.HexFormat;
import java.util.zip.CRC32C;

/** The chunk checksum of the data path contract: CRC32C as 8 lowercase hex digits. */
public final class Checksums {

    private static final java.util.regex.Pattern FORMAT = java.util.regex.Pattern.compile("[0-9a-f]{8}");

    private Checksums() {
    }

    public static String hex(CRC32C crc) {
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    public static String of(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return hex(crc);
    }

    public static boolean isWellFormed(String checksum) {
        return checksum != null && FORMAT.matcher(checksum).matches();
    }
}
