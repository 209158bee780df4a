import * as live from '../live.js';
import { json, post, ApiError } from '../api.js';
import { follow } from '../sse.js';
import { badge, esc, time } from '../format.js';

const STATES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
// The task states that can bring a job into each job state (the scheduler derives a job's state from its tasks).
const ENTERS = { PENDING: ['PENDING', 'LOST'], RUNNING: ['SCHEDULED', 'RUNNING'], SUCCEEDED: ['SUCCEEDED'],
  FAILED: ['FAILED', 'LOST'], CANCELLED: ['CANCELLED'] };

// Jobs: the list (filter by state and name; live through task facts) and the form to submit a job.
export function jobsPage(main) {
  main.innerHTML = `<h1>Jobs</h1>
    <details class="panel" id="submit-panel" open><summary><h2 style="display:inline">Submit a job</h2></summary>
      <form class="grid" id="submit-form" style="margin-top:.8rem">
        <label>Name <input name="name" required value="hello" maxlength="100"></label>
        <label>Tasks <input name="count" type="number" min="1" max="1000" value="6" required></label>
        <label>CPU (millicores) <input name="cpuMillis" type="number" min="1" value="100" required></label>
        <label>Memory (MiB) <input name="memoryMiB" type="number" min="1" value="64" required></label>
        <label>GPUs <input name="gpus" type="number" min="0" value="0"></label>
        <label>Placement <select name="strategy"><option>SPREAD</option><option>BINPACK</option></select></label>
        <label>Retries <input name="maxRetries" type="number" min="0" value="0"></label>
        <label>Timeout (s) <input name="timeoutSeconds" type="number" min="1" value="600"></label>
        <label class="wide">Command (run with sh -c; each task has $HOLON_TASK_INDEX and $HOLON_TASK_COUNT)
          <input name="command" class="mono" required value="echo task $HOLON_TASK_INDEX of $HOLON_TASK_COUNT; sleep 2"></label>
        <div class="wide"><button class="primary" type="submit" id="submit-job">Submit</button> <span id="submit-result"></span></div>
      </form></details>
    <div class="panel">
      <div class="toolbar">
        <label>State <select id="filter-state"><option value="">all</option>${STATES.map(s => `<option>${s}</option>`).join('')}</select></label>
        <label>Name contains <input id="filter-name" type="search" placeholder="filter"></label>
      </div>
      <table aria-label="Jobs"><thead><tr><th>Name</th><th>State</th><th>Tasks</th><th class="hide-narrow">Owner</th>
        <th class="hide-narrow">Submitted</th><th class="hide-narrow">Id</th></tr></thead><tbody id="jobs-body"></tbody></table>
      <p><button id="more" class="small" hidden>Load more</button></p>
    </div>`;
  const body = main.querySelector('#jobs-body');
  const stateFilter = main.querySelector('#filter-state');
  const nameFilter = main.querySelector('#filter-name');
  const more = main.querySelector('#more');
  let jobs = [];
  let cursor = null;
  const notListed = new Map(); // job id -> 'hidden' (this list never shows it) or 'filtered' (in another state)

  // Rows and cells are updated in place, and only when they change: a task fact must not replace the link under
  // the pointer (a click whose press and release land on different elements is lost).
  const cells = j => [`<a href="#/jobs/${esc(j.id)}">${esc(j.name || '(unnamed)')}</a>`, badge(j.state), esc(j.count ?? ''),
    esc(j.owner || ''), time(j.createdAt || j.submittedAt), esc(j.id)];
  const CELL_CLASSES = ['', '', '', 'hide-narrow', 'hide-narrow', 'hide-narrow mono'];
  const rows = new Map();
  function draw() {
    const q = nameFilter.value.trim().toLowerCase();
    const shown = jobs.filter(j => !q || (j.name || '').toLowerCase().includes(q))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)); // newest first: ids are UUIDv7, ordered by time
    more.hidden = !cursor;
    if (!shown.length) {
      rows.clear();
      body.innerHTML = `<tr><td colspan="6" class="muted">No jobs${q || stateFilter.value ? ' match the filter' : ' yet'}.</td></tr>`;
      return;
    }
    body.querySelectorAll('tr:not([data-job])').forEach(tr => tr.remove());
    const ids = new Set(shown.map(j => j.id));
    for (const [id, tr] of rows) {
      if (!ids.has(id)) { tr.remove(); rows.delete(id); }
    }
    shown.forEach((j, i) => {
      let tr = rows.get(j.id);
      if (!tr) {
        tr = document.createElement('tr');
        tr.dataset.job = j.id;
        tr.innerHTML = CELL_CLASSES.map(c => `<td class="${c}"></td>`).join('');
        rows.set(j.id, tr);
      }
      if (body.children[i] !== tr) body.insertBefore(tr, body.children[i] || null);
      cells(j).forEach((html, k) => {
        const td = tr.children[k];
        if (td.dataset.html !== html) { td.innerHTML = html; td.dataset.html = html; }
      });
    });
  }
  async function load(append) {
    const q = new URLSearchParams({ limit: '50' });
    if (stateFilter.value) q.set('state', stateFilter.value);
    if (append && cursor) q.set('cursor', cursor);
    try {
      const page = await json(`/api/v1/jobs?${q}`);
      jobs = append ? jobs.concat(page.items) : page.items;
      cursor = page.nextCursor;
      draw();
    } catch (e) {
      rows.clear();
      body.innerHTML = `<tr><td colspan="6" class="error">Jobs could not be loaded: ${esc(e.message)}</td></tr>`;
    }
  }
  stateFilter.onchange = () => { notListed.clear(); load(false); };
  nameFilter.oninput = draw;
  more.onclick = () => load(true);

  main.querySelector('#submit-form').onsubmit = async e => {
    e.preventDefault();
    const f = new FormData(e.target);
    const num = k => Number(f.get(k));
    const spec = { name: f.get('name'), command: ['sh', '-c', f.get('command')], count: num('count'),
      strategy: f.get('strategy'), maxRetries: num('maxRetries'), timeoutSeconds: num('timeoutSeconds'),
      resources: { cpuMillis: num('cpuMillis'), memoryMiB: num('memoryMiB'), gpus: num('gpus') } };
    const result = main.querySelector('#submit-result');
    const button = main.querySelector('#submit-job');
    button.disabled = true;
    try {
      const job = await post('/api/v1/jobs', spec, { 'Idempotency-Key': crypto.randomUUID() });
      location.hash = `#/jobs/${job.id}`;
    } catch (err) {
      const fields = err.problem?.errors?.map(x => `${x.field}: ${x.message}`).join('; ');
      result.innerHTML = `<span class="error" style="display:inline-block">${esc(fields || err.message)}</span>`;
      button.disabled = false;
    }
  };
  // A task fact of a listed job reloads that job's row (its state is derived from its tasks). A fact of a job the
  // list does not have (submitted from the CLI or another tab) fetches that job once: the API answers with the
  // list's own visibility rules (the caller's jobs in their tenant; every job for operators), so a 404 is a job this
  // list never shows and is not asked for again. A job outside the state filter is asked for again only when a task
  // fact could have moved it into the filter.
  const pendingReload = new Set();
  let timer;
  const mayEnter = to => (ENTERS[stateFilter.value] || []).includes(to);
  const off = live.onTaskFact((kind, d) => {
    if (kind === 'reset') { notListed.clear(); load(false); return; }
    if (!jobs.some(j => j.id === d.jobId)) {
      const why = notListed.get(d.jobId);
      if (why === 'hidden' || (why === 'filtered' && !(kind === 'TaskStateChanged' && mayEnter(d.to)))) return;
    }
    pendingReload.add(d.jobId);
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const ids = [...pendingReload];
      pendingReload.clear();
      for (const id of ids) {
        try {
          const fresh = await json(`/api/v1/jobs/${encodeURIComponent(id)}`);
          if (jobs.some(j => j.id === id)) {
            jobs = jobs.map(j => (j.id === id ? { ...j, state: fresh.state } : j));
          } else if (!stateFilter.value || fresh.state === stateFilter.value) {
            notListed.delete(id);
            jobs = [fresh, ...jobs];
          } else {
            notListed.set(id, 'filtered');
          }
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) notListed.set(id, 'hidden');
        }
      }
      draw();
    }, 300);
  });
  load(false);
  return () => { off(); clearTimeout(timer); };
}

// One job: its tasks as a grid (state as colour, symbol and text), live; per-task logs that follow; cancel.
export function jobPage(main, [id]) {
  main.innerHTML = `<p class="crumbs"><a href="#/jobs">← Jobs</a></p><div id="job-head"><h1>Job</h1></div>
    <div class="panel"><h2>Tasks</h2><div class="tasks" id="tasks" role="list"></div></div>
    <div class="panel"><h2 id="logs-title">Logs</h2><pre class="logs" id="logs" aria-live="off">Select a task to follow its output.</pre></div>`;
  const head = main.querySelector('#job-head');
  const grid = main.querySelector('#tasks');
  const logs = main.querySelector('#logs');
  let job;
  let selected = null;
  let stopLogs = () => {};

  // Rewritten only when it changes: the facts of a busy job must not replace the Cancel button under the pointer.
  function drawHead() {
    const finished = ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.state);
    const html = `<h1>${esc(job.name || 'Job')} <span id="job-state">${badge(job.state)}</span></h1>
      <div class="panel"><dl class="kv">
        <dt>Id</dt><dd class="mono">${esc(job.id)}</dd>
        <dt>${job.script != null ? 'Script' : 'Command'}</dt><dd class="mono">${esc(job.script ?? (job.command || []).join(' '))}</dd>
        <dt>Tasks</dt><dd>${esc(job.count)} · ${esc(job.strategy || '')} · ${esc(job.resources?.cpuMillis)} m CPU,
          ${esc(job.resources?.memoryMiB)} MiB${job.resources?.gpus ? `, ${esc(job.resources.gpus)} GPU` : ''} each</dd>
        <dt>Owner</dt><dd>${esc(job.owner || '')}</dd>
        ${job.pendingReason ? `<dt>Waiting</dt><dd>${esc(job.pendingReason)}</dd>` : ''}
      </dl>
      <p><button class="danger" id="cancel" ${finished ? 'disabled' : ''}>Cancel job</button> <span id="cancel-result"></span></p></div>`;
    if (head.dataset.html === html) return;
    head.innerHTML = html;
    head.dataset.html = html;
    head.querySelector('#cancel').onclick = async () => {
      try {
        await post(`/api/v1/jobs/${encodeURIComponent(id)}/cancel`);
        head.querySelector('#cancel-result').textContent = 'Cancellation requested.';
      } catch (e) { head.querySelector('#cancel-result').textContent = `Cancel failed: ${e.message}`; }
    };
  }
  // Task cells are updated in place (a live fact must not replace the cell under the pointer).
  function drawTasks() {
    const tasks = job.tasks || [];
    if (grid.children.length !== tasks.length) {
      grid.innerHTML = tasks.map(t => `<button class="task" role="listitem" data-index="${t.index}"></button>`).join('');
    }
    tasks.forEach((t, i) => {
      const cell = grid.children[i];
      const html = `<span class="idx">Task ${t.index}</span>${badge(t.state)}
        <small>${t.exitCode != null ? `exit ${esc(t.exitCode)} · ` : ''}attempt ${esc(t.attempt ?? 1)}${t.nodeId ? ` · ${esc(nodeName(t.nodeId))}` : ''}</small>`;
      if (cell.dataset.html !== html) { cell.innerHTML = html; cell.dataset.html = html; }
      cell.className = `task t-${t.state}`;
      cell.dataset.state = t.state;
      cell.setAttribute('aria-pressed', String(selected === t.index));
    });
  }
  const nodeName = nodeId => {
    const n = live.nodes.get(nodeId);
    const zone = n?.labels?.zone;
    return n ? `${n.hostname}${zone ? ` (zone ${zone})` : ''}` : nodeId.slice(0, 8);
  };
  async function load() {
    try {
      job = await json(`/api/v1/jobs/${encodeURIComponent(id)}`);
      drawHead();
      drawTasks();
    } catch (e) {
      head.dataset.html = '';
      head.innerHTML = `<h1>Job</h1><div class="error">${e instanceof ApiError && e.status === 404
        ? 'There is no such job (or it is not yours).' : `The job could not be loaded: ${esc(e.message)}`}</div>`;
    }
  }
  function followLogs(index) {
    stopLogs();
    selected = index;
    drawTasks();
    main.querySelector('#logs-title').textContent = `Logs of task ${index}`;
    logs.textContent = '';
    stopLogs = follow(`/api/v1/jobs/${encodeURIComponent(id)}/tasks/${index}/logs?follow=true`, {
      onEvent: e => {
        const atBottom = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
        logs.textContent += `${e.data}\n`;
        if (atBottom) logs.scrollTop = logs.scrollHeight;
      },
      onEnd: err => {
        if (err?.status === 409) logs.textContent = 'This task has not started yet; its output appears once it runs.';
        else if (err) logs.textContent += `\n[logs unavailable: HTTP ${err.status}]`;
        else logs.textContent += '\n[end of output]';
      },
    });
  }
  grid.addEventListener('click', e => {
    const b = e.target.closest('button[data-index]');
    if (b) followLogs(Number(b.dataset.index));
  });
  let timer;
  const off = live.onTaskFact((kind, d) => {
    if (kind === 'reset') { load(); return; }
    if (d.jobId !== id || !job) return;
    if (kind === 'TaskStateChanged') {
      const t = job.tasks?.find(x => x.index === d.index);
      if (t) { t.state = d.to; if (d.nodeId) t.nodeId = d.nodeId; drawTasks(); }
      if (selected === d.index && d.to === 'RUNNING' && logs.textContent.startsWith('This task has not started')) followLogs(d.index);
    }
    clearTimeout(timer);
    timer = setTimeout(load, 400); // the derived job state, exit codes and attempts come from the API
  });
  load();
  return () => { off(); stopLogs(); clearTimeout(timer); };
}
