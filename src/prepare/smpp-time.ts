/** SMPP 3.4 §7.1.1 absolute time "YYMMDDhhmmsstnnp" in UTC: tenths 0, offset "00", "+". */
function two(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

export function formatAbsoluteTime(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds()) +
    '000+'
  );
}
