// RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote,
// CR or LF, quotes doubled.
//
// Spreadsheet formula injection (OWASP "CSV Injection"): Excel, LibreOffice
// and Google Sheets run a cell that starts with = + - @ (or a tab or CR before
// one) as a formula, e.g. =HYPERLINK(...) or +cmd|' /C calc'!A0. Such a text
// cell is written with a leading single quote, which spreadsheets show as
// text, and always quoted. Numbers stay as they are: a JS number, or a text
// that is exactly a decimal number (-12.5 from a numeric column), cannot run.
const FORMULA_START = /^[\s\u00a0]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v)
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) return `"'${s.replace(/"/g, '""')}"`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n'
}
