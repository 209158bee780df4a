package dev.holon.scheduler.scheduling;

import dev.holon.scheduler.task.CapacityFreed;
import dev.holon.scheduler.task.NodesChanged;
import dev.holon.scheduler.task.TasksPending;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * Tells every scheduler replica, through PostgreSQL LISTEN/NOTIFY, that a transaction left tasks pending (a submit
 * on any replica, a LOST attempt), freed room on a node (an attempt ended) or learned of a node change: the leader places at once (with a fresh view of the
 * nodes after a change) instead of at its next pass, wherever the request or event landed. The notification is sent by the committing transaction itself, so it arrives only if the change committed;
 * the periodic pass stays the safety net for a notification lost while a listener reconnects.
 */
@Component
public class PendingNotifications implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PendingNotifications.class);
    static final String PENDING = "holon_tasks_pending";
    static final String NODES = "holon_nodes_changed";

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final PlacementLoop placement;
    private volatile Thread listener;

    public PendingNotifications(DataSource dataSource, JdbcClient jdbc, PlacementLoop placement) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.placement = placement;
    }

    /** In the transaction, before it commits: PostgreSQL delivers the notification on commit, one per transaction. */
    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void onTasksPending(TasksPending pending) {
        notify(PENDING);
    }

    /** An attempt left its node: tasks pending for lack of room may fit now. */
    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void onCapacityFreed(CapacityFreed freed) {
        notify(PENDING);
    }

    /** Only one replica consumes a node event (one consumer group): the leader hears of it through the database. */
    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void onNodesChanged(NodesChanged changed) {
        notify(NODES);
    }

    private void notify(String channel) {
        jdbc.sql("SELECT pg_notify('" + channel + "', '')").query().singleValue();
    }

    @Override
    public void start() {
        listener = Thread.ofPlatform().daemon().name("pending-notifications").start(this::listen);
    }

    @Override
    public void stop() {
        Thread running = listener;
        listener = null;
        if (running != null) {
            running.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return listener != null;
    }

    private void listen() {
        while (listener == Thread.currentThread()) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + PENDING);
                    statement.execute("LISTEN " + NODES);
                }
                PGConnection notifications = connection.unwrap(PGConnection.class);
                placement.wake(); // whatever was notified while not listening
                while (listener == Thread.currentThread()) {
                    PGNotification[] received = notifications.getNotifications(1000);
                    if (received == null || received.length == 0) {
                        continue;
                    }
                    if (Arrays.stream(received).anyMatch(n -> NODES.equals(n.getName()))) {
                        placement.nodesChanged();
                    }
                    placement.wake();
                }
            } catch (SQLException e) {
                if (listener != Thread.currentThread()) {
                    return;
                }
                log.warn("Not listening for pending tasks ({}); the periodic placement pass covers it, retrying in 1 s",
                        e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }
}
