package dev.holon.registry.node;

import dev.holon.contracts.node.GpuDevice;
import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.node.NodeUsage;
import dev.holon.contracts.node.NodeView;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A machine that enrolled. Two kinds of change meet here and must not clobber each other:
 * <ul>
 *   <li>its spec (description, labels, cordon, drain), changed through this entity and guarded by the row
 *   {@code version}, which is also the API's ETag;</li>
 *   <li>its liveness (state, heartbeat, usage), changed many times a second by heartbeats and the failure
 *   sweep through {@link NodeRepository}'s compare-and-set updates, which leave the version alone.</li>
 * </ul>
 * {@code @DynamicUpdate} makes an entity write touch only the columns it changed, so a spec change never
 * writes back a liveness value it read earlier.
 */
@Entity
@DynamicUpdate
@Table(name = "node")
public class Node {

    @Id
    private String id;
    private String hostname;
    @Enumerated(EnumType.STRING)
    private NodeState state;
    private boolean cordoned;
    private boolean draining;
    @Convert(converter = JsonColumns.Labels.class)
    private Map<String, String> labels;
    @Column(name = "cpu_millis")
    private long cpuMillis;
    @Column(name = "memory_mib")
    private long memoryMiB;
    private int gpus;
    @Column(name = "disk_mib")
    private long diskMiB;
    @Convert(converter = JsonColumns.Gpus.class)
    @Column(name = "gpu_devices")
    private List<GpuDevice> gpuDevices;
    @Column(name = "cpu_load")
    private double cpuLoad;
    @Column(name = "load_average")
    private double loadAverage;
    @Column(name = "memory_available_mib")
    private long memoryAvailableMiB;
    @Column(name = "disk_free_mib")
    private long diskFreeMiB;
    @Column(name = "agent_version")
    private String agentVersion;

    @Column(name = "api_url")
    private String apiUrl;
    @Column(name = "joined_at")
    private Instant joinedAt;
    @Column(name = "last_heartbeat_at")
    private Instant lastHeartbeatAt;
    @Column(name = "last_heartbeat_sequence")
    private long lastHeartbeatSequence;
    @Column(name = "state_changed_at")
    private Instant stateChangedAt;
    @Version
    private long version;

    protected Node() {
    }

    public Node(String id, Instant now) {
        this.id = id;
        this.state = NodeState.UP;
        this.labels = new TreeMap<>();
        this.gpuDevices = List.of();
        this.joinedAt = now;
        this.lastHeartbeatAt = now;
        this.stateChangedAt = now;
    }

    /** Takes what the worker says about itself. Its labels win over same-named ones an operator set. */
    void describe(String hostname, NodeResources capacity, Map<String, String> reportedLabels,
            List<GpuDevice> gpuDevices, String agentVersion, String apiUrl) {
        this.hostname = hostname;
        setCapacity(capacity);
        Map<String, String> merged = new TreeMap<>(labels);
        merged.putAll(reportedLabels);
        this.labels = merged;
        this.gpuDevices = List.copyOf(gpuDevices);
        this.agentVersion = agentVersion;
        this.apiUrl = apiUrl;
    }

    void setCordoned(boolean cordoned) {
        this.cordoned = cordoned;
        if (!cordoned) {
            this.draining = false;
        }
    }

    void startDraining() {
        this.cordoned = true;
        this.draining = true;
    }

    void setLabels(Map<String, String> labels) {
        this.labels = new TreeMap<>(labels);
    }

    private void setCapacity(NodeResources capacity) {
        if (capacity != null) {
            this.cpuMillis = capacity.cpuMillis();
            this.memoryMiB = capacity.memoryMiB();
            this.gpus = capacity.gpus();
            this.diskMiB = capacity.diskMiB();
        }
    }

    public String id() {
        return id;
    }

    public NodeState state() {
        return state;
    }

    public boolean cordoned() {
        return cordoned;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Instant lastHeartbeatAt() {
        return lastHeartbeatAt;
    }

    public long version() {
        return version;
    }

    public String hostname() {
        return hostname;
    }

    /** Where the node's worker serves (chunks, logs, {@code /actuator}); null for a node that never said. */
    public String apiUrl() {
        return apiUrl;
    }

    public NodeResources capacity() {
        return new NodeResources(cpuMillis, memoryMiB, gpus, diskMiB);
    }

    public NodeUsage usage() {
        return new NodeUsage(cpuLoad, loadAverage, memoryAvailableMiB, diskFreeMiB);
    }

    public NodeView view() {
        // Nothing is reserved for the system yet, so everything a node has can be allocated to tasks.
        NodeResources capacity = capacity();
        return new NodeView(id, hostname, state, cordoned, draining, Map.copyOf(labels), capacity, capacity,
                usage(), gpuDevices, lastHeartbeatAt, joinedAt, agentVersion, apiUrl, version);
    }
}
