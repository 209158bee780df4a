import { json } from './api.js';
import { follow } from './sse.js';

// The live picture of the cluster: nodes loaded once over REST, then kept current by the gateway's SSE stream
// (/api/v1/stream). Pages subscribe to changes; nothing here polls.
export const nodes = new Map();
// {t (s), cpu %, mem %, up} samples of the last 15 minutes. They are kept in the tab's sessionStorage, so a reload
// (or a new sign-in in this tab) starts with the minutes this tab has already seen instead of empty charts; the
// first sample is taken from the node list at load. A pause longer than a few heartbeats (the tab was closed or
// reloaded) is a gap (nulls), not a line drawn through minutes nobody saw.
const HISTORY_KEY = 'holon.history';
const MAX_AGE_S = 900;
export const history = restoreHistory();
const listeners = new Set();
const taskListeners = new Set();
let connected = false;
let lastSample = 0;

export const onChange = fn => { listeners.add(fn); return () => listeners.delete(fn); };
export const onTaskFact = fn => { taskListeners.add(fn); return () => taskListeners.delete(fn); };
export const isConnected = () => connected;
const notify = kind => listeners.forEach(fn => fn(kind));

export async function loadNodes() {
  const all = [];
  let cursor = '';
  do {
    const page = await json(`/api/v1/nodes?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  nodes.clear();
  all.forEach(n => nodes.set(n.id, n));
  sample(true);
  notify('nodes');
}

/** Cluster totals over UP nodes, from what the workers report. */
export function totals() {
  const t = { up: 0, suspect: 0, down: 0, cpuTotal: 0, cpuUsed: 0, memTotal: 0, memUsed: 0, gpus: 0,
    diskTotal: 0, diskUsed: 0, schedulable: 0 };
  for (const n of nodes.values()) {
    t[n.state.toLowerCase()]++;
    if (n.state !== 'UP') continue;
    if (!n.cordoned && !n.draining) t.schedulable++;
    const cap = n.capacity || {};
    const use = n.usage || {};
    t.cpuTotal += cap.cpuMillis || 0;
    t.cpuUsed += (cap.cpuMillis || 0) * (use.cpuLoad || 0);
    t.memTotal += cap.memoryMiB || 0;
    t.memUsed += Math.max(0, (cap.memoryMiB || 0) - (use.memoryAvailableMiB ?? cap.memoryMiB ?? 0));
    t.gpus += cap.gpus || 0;
    t.diskTotal += cap.diskMiB || 0;
    t.diskUsed += Math.max(0, (cap.diskMiB || 0) - (use.diskFreeMiB ?? cap.diskMiB ?? 0));
  }
  return t;
}

function restoreHistory() {
  try {
    const now = Date.now() / 1000;
    const kept = JSON.parse(sessionStorage.getItem(HISTORY_KEY) || '[]').filter(s => s.t > now - MAX_AGE_S && s.t <= now);
    const last = kept[kept.length - 1];
    if (last && now - last.t > 15) kept.push({ t: last.t + 1, cpu: null, mem: null, up: null });
    return kept;
  } catch { return []; }
}

function sample(force) {
  const now = Date.now() / 1000;
  if (!force && now - lastSample < 2) return;
  lastSample = now;
  const t = totals();
  history.push({ t: now, cpu: t.cpuTotal ? 100 * t.cpuUsed / t.cpuTotal : 0,
    mem: t.memTotal ? 100 * t.memUsed / t.memTotal : 0, up: t.up });
  while (history.length && history[0].t < now - MAX_AGE_S) history.shift();
  try { sessionStorage.setItem(HISTORY_KEY, JSON.stringify(history)); } catch { /* full or disabled: memory only */ }
}

const NODE_STATE = { NodeUp: 'UP', NodeSuspect: 'SUSPECT', NodeDown: 'DOWN' };
// Nodes an operator removed: gone for good, and their heartbeats (ignored by the registry) must not reload the list.
const removed = new Set();

function apply(envelope) {
  const kind = envelope.type.split('.').pop();
  const d = envelope.data || {};
  if (envelope.type.startsWith('holon.task.')) {
    taskListeners.forEach(fn => fn(kind, d, envelope));
    return;
  }
  if (kind === 'NodeRemoved') {
    removed.add(d.nodeId);
    if (nodes.delete(d.nodeId)) { sample(true); notify(kind); }
    return;
  }
  if (removed.has(d.nodeId)) return;
  const node = nodes.get(d.nodeId);
  if (!node) {
    if (kind === 'NodeJoined' || kind === 'NodeHeartbeat') loadNodes().catch(() => {});
    return;
  }
  if (NODE_STATE[kind]) {
    node.state = NODE_STATE[kind];
  } else if (kind === 'NodeHeartbeat') {
    node.usage = d.usage;
    node.lastHeartbeatAt = d.sentAt;
    if (d.capacity) node.capacity = d.capacity;
  } else if (kind === 'NodeCordoned') node.cordoned = true;
  else if (kind === 'NodeUncordoned') { node.cordoned = false; node.draining = false; }
  else if (kind === 'NodeDrainRequested') { node.cordoned = true; node.draining = true; }
  else if (kind === 'NodeLabelsChanged') node.labels = d.labels;
  else if (kind === 'NodeJoined') { loadNodes().catch(() => {}); return; }
  sample(kind !== 'NodeHeartbeat');
  notify(kind);
}

export function start() {
  follow('/api/v1/stream', {
    silenceMs: 40000, // the gateway sends a keepalive comment every 15 s
    onState: up => { connected = up; notify('connection'); },
    onEvent: e => {
      if (e.event === 'reset') {
        loadNodes().catch(() => {});
        taskListeners.forEach(fn => fn('reset', {}, null));
        return;
      }
      try { apply(JSON.parse(e.data)); } catch (err) { console.warn('bad fact', err); }
    },
  });
  return loadNodes();
}
