import { accessToken, refresh } from './auth.js';

/** An error answer of the API: status and its problem+json body when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** fetch() with the user's token; one retry after refreshing the token on 401. */
export async function call(path, options = {}, retried = false) {
  const headers = { ...(options.headers || {}), Authorization: `Bearer ${accessToken()}` };
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401 && !retried) {
    await refresh();
    return call(path, options, true);
  }
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { /* not JSON */ }
    throw new ApiError(response.status, problem);
  }
  return response;
}

export async function json(path, options) {
  const response = await call(path, options);
  return response.status === 204 ? null : response.json();
}

export const post = (path, body, headers = {}) => json(path, {
  method: 'POST', headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
  body: body === undefined ? undefined : JSON.stringify(body),
});
