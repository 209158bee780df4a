export const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
export const badge = state => `<span class="badge s-${esc(state)}" data-state="${esc(state)}">${esc(state)}</span>`;
export const cores = millis => `${(millis / 1000).toFixed(millis % 1000 ? 1 : 0)}`;
export function mib(v) {
  if (v >= 1024 * 1024) return `${(v / 1024 / 1024).toFixed(1)} TiB`;
  if (v >= 1024) return `${(v / 1024).toFixed(1)} GiB`;
  return `${Math.round(v)} MiB`;
}
export function bytes(v) {
  if (v == null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}
export function age(iso) {
  if (!iso) return '–';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}
export const time = iso => iso ? new Date(iso).toLocaleString() : '–';
export function bar(fraction, text) {
  const pct = Math.max(0, Math.min(100, fraction * 100));
  return `<div class="usage"><div class="bar${pct > 90 ? ' hot' : ''}" role="meter" aria-valuemin="0" aria-valuemax="100"
    aria-valuenow="${pct.toFixed(0)}" aria-label="${esc(text)}"><span style="width:${pct.toFixed(1)}%"></span></div>
    <small>${esc(text)}</small></div>`;
}
