// JSON calls to the app's APIs. State-changing calls carry the session's CSRF token (from the
// page's <meta name="csrf-token">); a 401 means the session ended, so the browser goes to the
// login page. Failures throw ApiError with the server's own message.

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? '';

export const getJson = (url, options = {}) => request('GET', url, undefined, options);
export const postJson = (url, body) => request('POST', url, body);
export const putJson = (url, body) => request('PUT', url, body);
export const deleteJson = (url) => request('DELETE', url);

async function request(method, url, body, { signal } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken();
  const response = await fetch(url, {
    method, headers, signal, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    location.assign('/');
    throw new ApiError(401, 'Your session ended; please sign in again.');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    if (response.ok) throw new ApiError(response.status, `${url} answered with something other than JSON`);
  }
  if (!response.ok) {
    const message = data?.error ?? data?.message ?? `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, data);
  }
  return data;
}
