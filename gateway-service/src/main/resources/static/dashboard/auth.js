// Login through Keycloak in the browser: OAuth 2.0 authorization code with PKCE (S256), public client
// holon-dashboard. Tokens stay in this tab's sessionStorage; the gateway stays a stateless resource server.
const STORE = 'holon.tokens';
let config;
let tokens = JSON.parse(sessionStorage.getItem(STORE) || 'null');
let refreshTimer;

const b64url = bytes => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = () => b64url(crypto.getRandomValues(new Uint8Array(32)));

async function discovery() {
  if (!config) {
    const c = await (await fetch('/dashboard/config.json')).json();
    const d = await (await fetch(`${c.issuer}/.well-known/openid-configuration`)).json();
    config = { ...c, ...d };
  }
  return config;
}

function redirectUri() {
  return `${location.origin}/`;
}

/** Sends the browser to Keycloak's login page. */
export async function login() {
  const c = await discovery();
  const verifier = random();
  const state = random();
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem('holon.pkce', JSON.stringify({ verifier, state, hash: location.hash || '#/overview' }));
  const url = new URL(c.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: c.clientId, response_type: 'code', scope: 'openid', redirect_uri: redirectUri(),
    state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(url);
}

async function tokenRequest(params) {
  const c = await discovery();
  const response = await fetch(c.token_endpoint, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: c.clientId, ...params }),
  });
  if (!response.ok) throw new Error(`Keycloak answered ${response.status}`);
  const t = await response.json();
  tokens = { access: t.access_token, refresh: t.refresh_token, id: t.id_token,
    expiresAt: Date.now() + t.expires_in * 1000 };
  sessionStorage.setItem(STORE, JSON.stringify(tokens));
  scheduleRefresh();
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!tokens?.refresh) return;
  const inMs = Math.max(5000, tokens.expiresAt - Date.now() - 60000);
  refreshTimer = setTimeout(() => refresh().catch(() => {}), inMs);
}

/** Gets a fresh access token with the refresh token; on failure the user has to log in again. */
export async function refresh() {
  if (!tokens?.refresh) throw new Error('not logged in');
  try {
    await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh });
  } catch (e) {
    tokens = null;
    sessionStorage.removeItem(STORE);
    throw e;
  }
}

/** Finishes a login when Keycloak sent the browser back with ?code=…; true when a session exists. */
export async function init() {
  const params = new URLSearchParams(location.search);
  if (params.has('code')) {
    const pkce = JSON.parse(sessionStorage.getItem('holon.pkce') || 'null');
    sessionStorage.removeItem('holon.pkce');
    history.replaceState(null, '', `/${pkce?.hash || '#/overview'}`);
    if (pkce && pkce.state === params.get('state')) {
      await tokenRequest({ grant_type: 'authorization_code', code: params.get('code'),
        redirect_uri: redirectUri(), code_verifier: pkce.verifier });
    }
  } else if (params.has('error')) {
    history.replaceState(null, '', '/');
  }
  if (tokens && tokens.expiresAt < Date.now() + 5000) {
    await refresh().catch(() => {});
  }
  scheduleRefresh();
  return !!tokens;
}

export function accessToken() {
  return tokens?.access;
}

/** What the token says about the user (for display and to hide buttons; the services enforce the rules). */
export function user() {
  if (!tokens) return null;
  const claims = JSON.parse(atob(tokens.access.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  const roles = claims.realm_access?.roles || [];
  return { name: claims.preferred_username || claims.sub, tenant: claims.tenant || 'default', roles,
    canOperate: roles.includes('operator') || roles.includes('admin') };
}

export async function logout() {
  const c = await discovery();
  const idToken = tokens?.id;
  tokens = null;
  sessionStorage.removeItem(STORE);
  const url = new URL(c.end_session_endpoint);
  url.search = new URLSearchParams({ client_id: c.clientId, post_logout_redirect_uri: redirectUri(),
    ...(idToken ? { id_token_hint: idToken } : {}) });
  location.assign(url);
}
