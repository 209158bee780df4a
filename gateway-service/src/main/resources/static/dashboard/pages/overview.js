import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import * as live from '../live.js';
import { cores, mib } from '../format.js';

// Overview: nodes by state and the cluster's capacity and usage, with charts of the last 5 minutes
// (samples come from the live heartbeats; the charts are uPlot's).
export default function overview(main) {
  main.innerHTML = `<h1>Overview</h1>
    <section class="cards" id="cards" aria-label="Cluster at a glance"></section>
    <section class="charts">
      <div class="panel"><h2>CPU and memory in use, last 5 minutes (%)</h2><div id="chart-usage"></div></div>
      <div class="panel"><h2>Nodes UP, last 5 minutes</h2><div id="chart-nodes"></div></div>
    </section>`;
  const cards = main.querySelector('#cards');
  const width = el => Math.max(280, el.parentElement.clientWidth - 34);
  const usageEl = main.querySelector('#chart-usage');
  const nodesEl = main.querySelector('#chart-nodes');
  // The x axis always spans the last 5 minutes, however few samples there are yet.
  const lastMinutes = () => { const now = Date.now() / 1000; return [now - 300, now + 5]; };
  // Samples as dots while they span only seconds (right after a first load), so a chart is never blank.
  const points = { show: (u, si, i0, i1) => i1 - i0 < 2 || u.data[0][i1] - u.data[0][i0] < 20, size: 6 };
  const usage = new uPlot({
    width: width(usageEl), height: 220, scales: { x: { time: true, range: lastMinutes }, y: { range: [0, 100] } },
    series: [{}, { label: 'CPU %', stroke: '#2f5fd0', width: 2, points },
      { label: 'Memory %', stroke: '#1f8a4c', width: 2, dash: [6, 4], points }],
    axes: [{}, { values: (u, v) => v.map(x => `${x}%`) }],
  }, [[], [], []], usageEl);
  const up = new uPlot({
    width: width(nodesEl), height: 220,
    scales: { x: { time: true, range: lastMinutes }, y: { range: (u, min, max) => [0, Math.max(3, max + 1)] } },
    series: [{}, { label: 'UP', stroke: '#1f8a4c', width: 2, fill: 'rgba(31,138,76,.08)', points,
      paths: uPlot.paths.stepped({ align: 1 }) }],
  }, [[], []], nodesEl);

  function draw() {
    const t = live.totals();
    const values = [
      ['card-nodes', 'Nodes', `${t.up} UP`, `${t.suspect} SUSPECT · ${t.down} DOWN · ${t.schedulable} schedulable`],
      ['card-cpu', 'CPU', `${cores(t.cpuUsed)} / ${cores(t.cpuTotal)} cores`,
        `${t.cpuTotal ? Math.round(100 * t.cpuUsed / t.cpuTotal) : 0}% busy`],
      ['card-memory', 'Memory', `${mib(t.memUsed)} / ${mib(t.memTotal)}`,
        `${t.memTotal ? Math.round(100 * t.memUsed / t.memTotal) : 0}% in use`],
      // The registry reports GPUs per node but not which are busy (the cluster API's free GPUs equal its total).
      ['card-gpus', 'GPUs', `${t.gpus}`, t.gpus ? 'on UP nodes (use not reported)' : 'none in the cluster'],
      ['card-disk', 'Worker disks', `${mib(t.diskUsed)} / ${mib(t.diskTotal)}`,
        'used / total on the UP nodes\' disks (files, task data, the rest)'],
    ];
    if (!cards.children.length) {
      cards.innerHTML = values.map(([id, label]) => `<div class="card" id="${id}"><div class="label">${label}</div>
        <div class="value"></div><div class="sub"></div></div>`).join('');
    }
    values.forEach(([id, , value, sub]) => { // text only, in place
      const card = cards.querySelector(`#${id}`);
      if (card.children[1].textContent !== value) card.children[1].textContent = value;
      if (card.children[2].textContent !== sub) card.children[2].textContent = sub;
    });
    // The last sample holds until the next one: the lines run up to now, not to the last heartbeat.
    const h = live.history.slice();
    const last = h[h.length - 1];
    const now = Date.now() / 1000;
    if (last && last.cpu != null && now - last.t > 0.5) h.push({ ...last, t: now });
    usage.setData([h.map(s => s.t), h.map(s => s.cpu), h.map(s => s.mem)]);
    up.setData([h.map(s => s.t), h.map(s => s.up)]);
  }
  draw();
  const off = live.onChange(kind => { if (kind !== 'connection') draw(); });
  const resize = () => { usage.setSize({ width: width(usageEl), height: 220 }); up.setSize({ width: width(nodesEl), height: 220 }); };
  window.addEventListener('resize', resize);
  return () => { off(); window.removeEventListener('resize', resize); usage.destroy(); up.destroy(); };
}
