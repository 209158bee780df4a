package dev.holon.worker.execution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where this process's own cgroups are in the file system: per cgroup v1 controller ({@code memory}, {@code cpu},
 * {@code cpuacct}...) and for the v2 unified hierarchy. Parsed from {@code /proc/self/mountinfo} and
 * {@code /proc/self/cgroup}, honouring mounts whose root is not the hierarchy's root (containers). Plain parsing.
 */
record CgroupLocations(Map<String, Path> v1, Path v2) {

    CgroupLocations {
        v1 = Map.copyOf(v1);
    }

    static CgroupLocations ofThisProcess() throws IOException {
        return parse(Files.readString(Path.of("/proc/self/mountinfo")), Files.readString(Path.of("/proc/self/cgroup")));
    }

    static CgroupLocations parse(String mountinfo, String procCgroup) {
        Map<String, Mount> v1Mounts = new HashMap<>();
        Mount v2Mount = null;
        for (String line : mountinfo.split("\n")) {
            String[] halves = line.split(" - ", 2);
            if (halves.length < 2) {
                continue;
            }
            String[] left = halves[0].split(" ");
            String[] right = halves[1].split(" ");
            if (left.length < 5 || right.length < 3) {
                continue;
            }
            Mount mount = new Mount(unescape(left[3]), Path.of(unescape(left[4])));
            if (right[0].equals("cgroup2")) {
                v2Mount = v2Mount == null ? mount : v2Mount;
            } else if (right[0].equals("cgroup")) {
                for (String option : right[2].split(",")) {
                    v1Mounts.putIfAbsent(option, mount);
                }
            }
        }
        Map<String, Path> v1 = new HashMap<>();
        Path v2 = null;
        for (String line : procCgroup.split("\n")) {
            String[] parts = line.split(":", 3);
            if (parts.length < 3) {
                continue;
            }
            if (parts[0].equals("0") && parts[1].isEmpty()) {
                if (v2Mount != null) {
                    v2 = v2Mount.resolve(parts[2]);
                }
                continue;
            }
            for (String controller : parts[1].split(",")) {
                Mount mount = v1Mounts.get(controller);
                Path dir = mount == null ? null : mount.resolve(parts[2]);
                if (dir != null) {
                    v1.put(controller, dir);
                }
            }
        }
        return new CgroupLocations(v1, v2);
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && isOctal(field.substring(i + 1, i + 4))) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean isOctal(String digits) {
        return digits.chars().allMatch(ch -> ch >= '0' && ch <= '7');
    }

    /** A cgroup mount: the hierarchy path it exposes ({@code root}) at {@code point}. */
    private record Mount(String root, Path point) {

        /** The directory of hierarchy path {@code cgroupPath}, or null when this mount does not show it. */
        Path resolve(String cgroupPath) {
            String normalizedRoot = root.endsWith("/") ? root : root + "/";
            String path = cgroupPath.endsWith("/") ? cgroupPath : cgroupPath + "/";
            if (!path.startsWith(normalizedRoot)) {
                return null;
            }
            String relative = path.substring(normalizedRoot.length());
            Path dir = point;
            for (String part : List.of(relative.split("/"))) {
                if (!part.isEmpty()) {
                    dir = dir.resolve(part);
                }
            }
            return dir;
        }
    }
}
