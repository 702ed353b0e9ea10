// RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote,
// CR or LF, quotes doubled.
//
// Spreadsheet formula injection (OWASP "CSV Injection"): Excel, LibreOffice
// and Google Sheets run a cell that starts with = + - @ (or a tab or CR before
// one) as a formula, e.g. =HYPERLINK(...) or +cmd|' /C calc'!A0. Such a text
// cell is written with a leading single quote, which spreadsheets show as
// text, and always quoted. Numbers stay as they are: a JS number, or a text
// that is exactly a decimal number (-12.5 from a numeric column), cannot run.
//
// Where the list separator is ";" (Excel in most of Europe) a spreadsheet
// splits every line at each ";", and a quote only counts at the start of a
// cell, so `x;=cmd|...` (even inside a quoted field further along the line)
// starts a cell of its own there. Each such part gets the leading quote too
// (also behind quotes: `;"=1` is written `;""=1`, a cell that reads `=1`).
const FORMULA_START = /^[\s\u00a0]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

const runs = (s: string) => FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  const raw = typeof v === 'object' ? JSON.stringify(v) : String(v)
  const s = raw.includes(';') ? raw.split(';').map((part, i) => (i > 0 && runs(part.replace(/^"+/, '')) ? `'${part}` : part)).join(';') : raw
  if (runs(s)) return `"'${s.replace(/"/g, '""')}"`
  if (s !== raw) return `"${s.replace(/"/g, '""')}"`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n'
}
