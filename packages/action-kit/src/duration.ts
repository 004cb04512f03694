const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/**
 * Parse a duration such as `90s`, `15m`, `2h`, `1h30m`, `1d` or `250ms` into milliseconds.
 * A bare number is rejected: the unit is what makes `15` unambiguous. Returns undefined when invalid.
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (s === '') return undefined;
  let total = 0;
  let pos = 0;
  const seen = new Set<string>();
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) return undefined;
    const unit = m[2]!;
    if (seen.has(unit)) return undefined;
    seen.add(unit);
    total += Number(m[1]) * UNIT_MS[unit]!;
    pos = PART.lastIndex;
  }
  return Math.round(total);
}

/** Format milliseconds as a compact human duration: `950ms`, `42s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const neg = ms < 0 ? '-' : '';
  ms = Math.abs(ms);
  if (ms < 1000) return `${neg}${Math.round(ms)}ms`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 60) return `${neg}${totalS}s`;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const sec = totalS % 60;
  if (h === 0) return `${neg}${m}m${String(sec).padStart(2, '0')}s`;
  return `${neg}${h}h${String(m).padStart(2, '0')}m`;
}
