import * as live from '../live.js';
import { post } from '../api.js';
import { age, badge, bar, cores, esc, mib } from '../format.js';

// Nodes: a live table (state as colour, symbol and text; heartbeat age; usage bars; labels). Operators and
// admins get cordon/uncordon and drain; the registry enforces that, the buttons only follow the roles.
export default function nodesPage(main, params, user) {
  main.innerHTML = `<h1>Nodes</h1><div id="message"></div>
    <div class="panel"><table id="nodes-table" aria-label="Nodes">
      <thead><tr><th>Node</th><th>State</th><th>Last heartbeat</th><th>CPU</th><th>Memory</th>
        <th class="hide-narrow">Disk</th><th class="hide-narrow">GPUs</th><th class="hide-narrow">Labels</th>
        ${user.canOperate ? '<th>Actions</th>' : ''}</tr></thead>
      <tbody></tbody></table></div>`;
  const body = main.querySelector('tbody');
  const message = main.querySelector('#message');

  // Cells are updated in place, and only when they change: a heartbeat must not replace a button under the
  // pointer (a click whose press and release land on different elements is lost).
  function cells(n) {
    const cap = n.capacity || {};
    const use = n.usage || {};
    const memUsed = Math.max(0, (cap.memoryMiB || 0) - (use.memoryAvailableMiB ?? 0));
    const diskUsed = Math.max(0, (cap.diskMiB || 0) - (use.diskFreeMiB ?? 0));
    const extra = `${n.draining ? badge('DRAINING') : n.cordoned ? badge('CORDONED') : ''}`;
    const list = [
      `<strong>${esc(n.hostname || n.id)}</strong><div class="mono muted" title="${esc(n.id)}">${esc(n.id.slice(0, 13))}…</div>`,
      `${badge(n.state)} ${extra}`,
      age(n.lastHeartbeatAt),
      bar(use.cpuLoad || 0, `${Math.round(100 * (use.cpuLoad || 0))}% of ${cores(cap.cpuMillis || 0)} cores`),
      bar(cap.memoryMiB ? memUsed / cap.memoryMiB : 0, `${mib(memUsed)} of ${mib(cap.memoryMiB || 0)}`),
      bar(cap.diskMiB ? diskUsed / cap.diskMiB : 0, `${mib(diskUsed)} of ${mib(cap.diskMiB || 0)}`),
      `${cap.gpus || 0}`,
      `<div class="labels">${Object.entries(n.labels || {})
        .map(([k, v]) => `<span class="label-chip">${esc(k)}=${esc(v)}</span>`).join('')}</div>`,
    ];
    if (user.canOperate) {
      // A DOWN node can still be cordoned (it gets no work when it comes back), but draining it would move nothing:
      // its tasks already moved elsewhere when it went DOWN.
      const down = n.state === 'DOWN';
      const drainTip = n.draining ? 'Already draining' : down ? 'The node is DOWN: its tasks have already moved elsewhere'
        : 'Cordon the node and move its tasks elsewhere';
      list.push(`${n.cordoned
        ? `<button class="small" data-act="uncordon" data-id="${esc(n.id)}" title="Place new work on the node again">Uncordon</button>`
        : `<button class="small" data-act="cordon" data-id="${esc(n.id)}" title="${down
          ? 'Keep new work off the node when it comes back' : 'Place no new work on the node'}">Cordon</button>`}
        <span title="${esc(drainTip)}"><button class="small danger" data-act="drain" data-id="${esc(n.id)}"
          data-host="${esc(n.hostname || n.id)}" ${n.draining || down ? 'disabled' : ''}>Drain</button></span>`);
    }
    return list;
  }
  const CELL_CLASSES = ['', 'state', 'age', '', '', 'hide-narrow', 'hide-narrow', 'hide-narrow', 'actions'];
  const rows = new Map();
  function draw() {
    const list = [...live.nodes.values()].sort((a, b) => (a.hostname || a.id).localeCompare(b.hostname || b.id)
      || a.id.localeCompare(b.id));
    if (!list.length) {
      rows.clear();
      body.innerHTML = `<tr><td colspan="9" class="muted">No node has enrolled yet.</td></tr>`;
      return;
    }
    body.querySelectorAll('tr:not([data-node])').forEach(tr => tr.remove());
    for (const [id, tr] of rows) {
      if (!live.nodes.has(id)) { tr.remove(); rows.delete(id); }
    }
    list.forEach((n, i) => {
      let tr = rows.get(n.id);
      const html = cells(n);
      if (!tr) {
        tr = document.createElement('tr');
        tr.dataset.node = n.id;
        tr.innerHTML = html.map((c, k) => `<td class="${CELL_CLASSES[k]}"></td>`).join('');
        rows.set(n.id, tr);
      }
      if (body.children[i] !== tr) body.insertBefore(tr, body.children[i] || null);
      tr.dataset.state = n.state;
      tr.classList.toggle('stale', n.state === 'DOWN');
      html.forEach((c, k) => {
        const td = tr.children[k];
        if (td.dataset.html !== c) { td.innerHTML = c; td.dataset.html = c; }
      });
      tr.children[2].dataset.at = n.lastHeartbeatAt || '';
    });
  }
  body.addEventListener('click', async e => {
    const b = e.target.closest('button[data-act]');
    if (!b) return;
    if (b.dataset.act === 'drain' && !confirm(`Drain ${b.dataset.host}? No new work is placed there and its running `
      + 'tasks are stopped and restarted on other nodes. Uncordon undoes the cordon, not the moves.')) return;
    b.disabled = true;
    try {
      await post(`/api/v1/nodes/${encodeURIComponent(b.dataset.id)}/${b.dataset.act}`);
      message.innerHTML = `<div class="notice">${esc(b.dataset.act)} requested for ${esc(b.dataset.id)}.</div>`;
    } catch (err) {
      message.innerHTML = `<div class="error">${esc(b.dataset.act)} failed: ${esc(err.message)}</div>`;
      b.disabled = false;
    }
  });
  draw();
  const off = live.onChange(kind => { if (kind !== 'connection') draw(); });
  // The age column counts up between heartbeats: a clock on the page, not a request.
  const clock = setInterval(() => main.querySelectorAll('td.age').forEach(td => {
    td.textContent = age(td.dataset.at);
    td.dataset.html = td.textContent;
  }), 1000);
  return () => { off(); clearInterval(clock); };
}
