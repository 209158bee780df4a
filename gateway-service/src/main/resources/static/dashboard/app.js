import * as auth from './auth.js';
import * as live from './live.js';
import { esc } from './format.js';
import overview from './pages/overview.js';
import nodesPage from './pages/nodes.js';
import { jobsPage, jobPage } from './pages/jobs.js';
import filesPage from './pages/files.js';

const app = document.getElementById('app');
const routes = [
  { path: /^#\/overview$/, nav: 'overview', page: overview },
  { path: /^#\/nodes$/, nav: 'nodes', page: nodesPage },
  { path: /^#\/jobs$/, nav: 'jobs', page: jobsPage },
  { path: /^#\/jobs\/([^/]+)$/, nav: 'jobs', page: jobPage },
  { path: /^#\/files(\/.*)?$/, nav: 'files', page: filesPage },
];
let cleanup = () => {};

function loginScreen(message) {
  app.innerHTML = `<div class="login">
    <h1>Holon</h1>
    <p class="muted">Many machines, one computer.</p>
    ${message ? `<p class="error">${esc(message)}</p>` : ''}
    <p><button id="login" class="primary">Sign in</button></p>
    <p class="muted"><small>You sign in with your Holon account (Keycloak).
      <a href="/swagger-ui.html">API documentation</a></small></p></div>`;
  document.getElementById('login').onclick = () => auth.login();
}

function shell(user) {
  app.innerHTML = `<div class="shell">
    <aside class="side">
      <div class="brand">Holon<small>one computer</small></div>
      <nav aria-label="Main">
        <a href="#/overview" data-nav="overview">Overview</a>
        <a href="#/nodes" data-nav="nodes">Nodes</a>
        <a href="#/jobs" data-nav="jobs">Jobs</a>
        <a href="#/files" data-nav="files">Files</a>
      </nav>
      <div id="live" class="live off" role="status">connecting…</div>
      <div class="who"><div id="user-name">${esc(user.name)}</div>
        <div class="roles">${esc(user.roles.filter(r => ['admin', 'operator', 'user'].includes(r)).join(', '))}
          · tenant ${esc(user.tenant)}</div>
        <button id="logout" class="small" style="margin-top:.4rem">Sign out</button></div>
    </aside>
    <main id="main"></main></div>`;
  document.getElementById('logout').onclick = () => auth.logout();
  const liveEl = document.getElementById('live');
  live.onChange(kind => {
    if (kind !== 'connection') return;
    liveEl.className = `live ${live.isConnected() ? 'on' : 'off'}`;
    liveEl.textContent = live.isConnected() ? 'live' : 'reconnecting…';
  });
}

function route() {
  const hash = location.hash || '#/overview';
  const match = routes.map(r => ({ r, m: hash.match(r.path) })).find(x => x.m);
  if (!match) { location.hash = '#/overview'; return; }
  cleanup();
  document.querySelectorAll('[data-nav]').forEach(a => {
    if (a.dataset.nav === match.r.nav) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  const main = document.getElementById('main');
  main.innerHTML = '';
  cleanup = match.r.page(main, match.m.slice(1), auth.user()) || (() => {});
}

async function boot() {
  let loggedIn;
  try {
    loggedIn = await auth.init();
  } catch (e) {
    loginScreen(`Sign-in failed: ${e.message}`);
    return;
  }
  if (!loggedIn) { loginScreen(); return; }
  shell(auth.user());
  try {
    await live.start();
  } catch (e) {
    console.warn(e);
  }
  window.addEventListener('hashchange', route);
  route();
}

boot();
