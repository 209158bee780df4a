import { accessToken } from '../auth.js';
import { call, json, ApiError } from '../api.js';
import { bytes, esc, time } from '../format.js';

// Files: the tenant's namespace (storage-service's /api/v1/files/{tenant}/{path}): browse, upload with
// progress, download, mkdir, delete, and where each chunk's replicas live. When the files API does not answer,
// the page says so instead of pretending.
const enc = path => path.split('/').filter(Boolean).map(encodeURIComponent).join('/');

export default function filesPage(main, [rest], user) {
  const dir = (rest || '/').replace(/\/+$/, '') || '';
  const base = `/api/v1/files/${encodeURIComponent(user.tenant)}`;
  const url = (path, query) => `${base}${path ? `/${enc(path)}` : ''}${query ? `?${query}` : ''}`;
  const crumbs = ['', ...dir.split('/').filter(Boolean)];
  main.innerHTML = `<h1>Files</h1>
    <p class="crumbs" aria-label="Folder">${crumbs.map((c, i) => {
      const p = crumbs.slice(1, i + 1).join('/');
      return `<a href="#/files/${esc(p)}">${i === 0 ? esc(`/${user.tenant}`) : esc(c)}</a>`;
    }).join(' / ')}</p>
    <div id="files-message"></div>
    <div class="panel" id="files-panel">
      <div class="toolbar">
        <label>Upload a file <input type="file" id="upload-input"></label>
        <button class="primary" id="upload">Upload</button>
        <progress class="progress" id="upload-progress" max="100" value="0" hidden></progress>
        <span id="upload-status" role="status"></span>
        <span style="flex:1"></span>
        <label>New folder <input id="mkdir-name" placeholder="name"></label><button id="mkdir">Create</button>
      </div>
      <table aria-label="Files"><thead><tr><th>Name</th><th>Size</th><th class="hide-narrow">Modified</th><th>Actions</th></tr></thead>
        <tbody id="files-body"><tr><td colspan="4" class="muted">Loading…</td></tr></tbody></table>
      <p><button id="files-more" class="small" hidden>Load more</button></p>
    </div>
    <div class="panel" id="file-detail" hidden></div>`;
  const body = main.querySelector('#files-body');
  const message = main.querySelector('#files-message');
  const detail = main.querySelector('#file-detail');
  const more = main.querySelector('#files-more');
  let cursor = null;

  const nameOf = item => item.name || (item.path || '').split('/').filter(Boolean).pop() || item.path;
  const childPath = item => [dir, nameOf(item)].filter(Boolean).join('/').replace(/^\//, '');
  const isDir = item => (item.type || '').toUpperCase().startsWith('DIR');

  function unavailable(e) {
    main.querySelector('#files-panel').hidden = true;
    message.innerHTML = `<div class="notice" id="storage-unavailable"><strong>Storage is not available.</strong>
      The files API (<span class="mono">/api/v1/files</span>) did not answer (${esc(e.status ? `HTTP ${e.status}` : e.message)}).
      Nodes and jobs work without it; files appear here once storage-service runs.</div>`;
  }
  async function list(append) {
    try {
      const q = new URLSearchParams({ op: 'list', limit: '100' });
      if (append && cursor) q.set('cursor', cursor);
      const page = await json(url(dir, q));
      cursor = page.nextCursor;
      const rows = (page.items || []).map(item => `<tr data-file="${esc(nameOf(item))}">
        <td>${isDir(item) ? `📁 <a href="#/files/${esc(childPath(item))}">${esc(nameOf(item))}/</a>`
          : `<a href="#" data-stat="${esc(childPath(item))}">${esc(nameOf(item))}</a>`}</td>
        <td>${isDir(item) ? '<span class="muted">folder</span>' : esc(bytes(item.size))}</td>
        <td class="hide-narrow">${time(item.modifiedAt)}</td>
        <td>${isDir(item) ? '' : `<button class="small" data-download="${esc(childPath(item))}">Download</button>`}
          <button class="small danger" data-delete="${esc(childPath(item))}" data-dir="${isDir(item)}">Delete</button></td></tr>`);
      if (append) body.insertAdjacentHTML('beforeend', rows.join(''));
      else body.innerHTML = rows.length ? rows.join('') : '<tr><td colspan="4" class="muted">This folder is empty.</td></tr>';
      more.hidden = !cursor;
    } catch (e) {
      if (!append && !dir && (!(e instanceof ApiError) || [404, 405, 501, 502, 503].includes(e.status))) unavailable(e);
      else if (e.status === 404) body.innerHTML = '<tr><td colspan="4" class="muted">There is no such folder.</td></tr>';
      else body.innerHTML = `<tr><td colspan="4" class="error">Listing failed: ${esc(e.message)}</td></tr>`;
    }
  }
  async function stat(path) {
    detail.hidden = false;
    detail.innerHTML = `<h2>${esc(path)}</h2><p class="muted">Loading…</p>`;
    try {
      const s = await json(url(path, 'op=stat&replicas=true'));
      detail.innerHTML = `<h2>${esc(path)}</h2><dl class="kv">
        <dt>Size</dt><dd>${esc(bytes(s.size))}</dd><dt>Checksum</dt><dd class="mono">${esc(s.checksum || '')}</dd>
        <dt>Replication</dt><dd>${esc(s.replication ?? '')}</dd><dt>Version</dt><dd>${esc(s.version ?? '')}</dd>
        <dt>Owner</dt><dd>${esc(s.owner || '')}</dd><dt>Modified</dt><dd>${time(s.modifiedAt)}</dd></dl>
        <h2 style="margin-top:1rem">Chunks and their replicas</h2>
        <table aria-label="Replica placement"><thead><tr><th>#</th><th>Chunk</th><th>Size</th><th>Replicas (nodes)</th></tr></thead><tbody>
        ${(s.chunks || []).map((c, i) => `<tr><td>${i}</td><td class="mono">${esc(c.chunkId)}</td><td>${esc(bytes(c.size))}</td>
          <td>${(c.replicas || []).map(r => `<span class="label-chip">${esc(r)}</span>`).join(' ') || '<span class="muted">none</span>'}</td></tr>`).join('')
          || '<tr><td colspan="4" class="muted">No chunks (empty file).</td></tr>'}</tbody></table>`;
    } catch (e) { detail.innerHTML = `<div class="error">stat failed: ${esc(e.message)}</div>`; }
  }
  async function download(path) {
    const response = await call(url(path));
    const blob = await response.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = path.split('/').pop();
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 10000);
  }
  function upload() {
    const file = main.querySelector('#upload-input').files[0];
    const status = main.querySelector('#upload-status');
    const progress = main.querySelector('#upload-progress');
    if (!file) { status.textContent = 'Choose a file first.'; return; }
    const path = [dir, file.name].filter(Boolean).join('/');
    const xhr = new XMLHttpRequest(); // fetch() reports no upload progress
    xhr.open('PUT', url(path));
    xhr.setRequestHeader('Authorization', `Bearer ${accessToken()}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('If-None-Match', '*');
    progress.hidden = false;
    progress.value = 0;
    xhr.upload.onprogress = e => {
      if (e.lengthComputable) {
        progress.value = 100 * e.loaded / e.total;
        status.textContent = `${bytes(e.loaded)} of ${bytes(e.total)}`;
      }
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        progress.value = 100;
        status.textContent = `Uploaded ${file.name} (${bytes(file.size)}).`;
        list(false);
      } else {
        let detailText = '';
        try { detailText = JSON.parse(xhr.responseText).detail || ''; } catch { /* not JSON */ }
        status.textContent = xhr.status === 412 ? `${file.name} already exists.` : `Upload failed: HTTP ${xhr.status} ${detailText}`;
      }
    };
    xhr.onerror = () => { status.textContent = 'Upload failed: the connection broke.'; };
    xhr.send(file);
  }
  main.querySelector('#upload').onclick = upload;
  main.querySelector('#mkdir').onclick = async () => {
    const name = main.querySelector('#mkdir-name').value.trim();
    if (!name) return;
    try { await call(url([dir, name].filter(Boolean).join('/'), 'op=mkdir'), { method: 'POST' }); list(false); }
    catch (e) { message.innerHTML = `<div class="error">mkdir failed: ${esc(e.message)}</div>`; }
  };
  more.onclick = () => list(true);
  body.addEventListener('click', async e => {
    const t = e.target;
    try {
      if (t.dataset.stat) { e.preventDefault(); await stat(t.dataset.stat); }
      if (t.dataset.download) await download(t.dataset.download);
      if (t.dataset.delete && confirm(`Delete ${t.dataset.delete}?`)) {
        await call(url(t.dataset.delete, t.dataset.dir === 'true' ? 'recursive=true' : ''), { method: 'DELETE' });
        list(false);
      }
    } catch (err) { message.innerHTML = `<div class="error">${esc(err.message)}</div>`; }
  });
  list(false);
  return () => {};
}
