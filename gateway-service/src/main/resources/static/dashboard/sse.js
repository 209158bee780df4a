import { accessToken, refresh } from './auth.js';

/**
 * Follows a Server-Sent Events URL with the user's token (EventSource cannot send one): parses the stream,
 * remembers the last id and reconnects by itself with Last-Event-ID after a growing pause (1 s .. 15 s).
 * onEvent({event, data, id}); onState(true|false) when the connection opens or drops. Returns close().
 */
export function follow(url, { onEvent, onState = () => {}, onEnd, lastEventId, silenceMs = 0 } = {}) {
  let closed = false;
  let controller;
  let delay = 1000;
  let lastId = lastEventId;
  let lastActivity = Date.now();
  // A stream that stays silent longer than the server's keepalive promises is dead: drop it and reconnect.
  const watchdog = silenceMs > 0 ? setInterval(() => {
    if (Date.now() - lastActivity > silenceMs) { lastActivity = Date.now(); controller?.abort(); }
  }, 5000) : null;

  async function connect() {
    while (!closed) {
      controller = new AbortController();
      lastActivity = Date.now();
      try {
        const headers = { Authorization: `Bearer ${accessToken()}`, Accept: 'text/event-stream' };
        if (lastId) headers['Last-Event-ID'] = lastId;
        // The gateway answers at once (a ':connected' comment); a request still unanswered after 10 s is retried.
        const connectTimer = setTimeout(() => controller.abort(), 10000);
        const response = await fetch(url, { headers, signal: controller.signal, cache: 'no-store' })
          .finally(() => clearTimeout(connectTimer));
        if (response.status === 401) {
          await refresh();
          continue;
        }
        if (!response.ok) {
          const error = new Error(`HTTP ${response.status}`);
          error.status = response.status;
          throw error;
        }
        onState(true);
        delay = 1000;
        const ended = await read(response.body);
        if (ended) {
          closed = true;
          clearInterval(watchdog);
          onEnd?.();
          return;
        }
      } catch (e) {
        if (closed) return;
        if (e.status && e.status !== 503 && e.status !== 502 && onEnd && e.status < 500) {
          onEnd(e);
          return;
        }
      }
      onState(false);
      await new Promise(r => setTimeout(r, delay));
      delay = Math.min(delay * 2, 15000);
    }
  }

  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = { data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      lastActivity = Date.now();
      buffer += value;
      let nl;
      while ((nl = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer[nl] === '\r' ? 2 : 1));
        if (line === '') {
          if (event.data.length || event.event) {
            if (event.id !== undefined) lastId = event.id;
            const e = { event: event.event || 'message', data: event.data.join('\n'), id: event.id };
            if (e.event === 'end') return true;
            onEvent(e);
          }
          event = { data: [] };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let val = colon < 0 ? '' : line.slice(colon + 1);
          if (val.startsWith(' ')) val = val.slice(1);
          if (field === 'data') event.data.push(val);
          else if (field === 'event') event.event = val;
          else if (field === 'id') event.id = val;
        }
      }
    }
  }

  connect();
  return () => { closed = true; clearInterval(watchdog); controller?.abort(); };
}
