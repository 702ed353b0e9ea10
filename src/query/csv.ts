// RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote,
// CR or LF, quotes doubled.
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n'
}
