// A real `nexatron` server process for end-to-end suites. It listens on a
// port the kernel picks (PORT=0) and the suite reads the address from the
// server's own start-up log line: a port chosen by the test could already be
// taken (a failed start) or, worse, be answered by another suite's server.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '../..')

export interface ServerProcess {
  proc: ChildProcess
  url: string
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string
  /** The exit code, once the process ends. */
  exited: Promise<number | null>
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>
}

export interface ServerProcessOptions {
  env: Record<string, string | undefined>
  /** Arguments to node; the TypeScript source through tsx unless given. */
  args?: string[]
  timeoutMs?: number
}

export async function startServerProcess(opts: ServerProcessOptions): Promise<ServerProcess> {
  const proc = spawn(process.execPath, opts.args ?? ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    // The listening line is logged at info: a quieter level would hide the address.
    env: { ...process.env, HOST: '127.0.0.1', ...opts.env, PORT: '0', LOG_LEVEL: 'info' },
  })
  let out = ''
  proc.stdout!.on('data', (d) => { out += d })
  proc.stderr!.on('data', (d) => { out += d })
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`server did not listen within ${opts.timeoutMs ?? 180_000} ms: ${out}`)) }, opts.timeoutMs ?? 180_000)
    const look = () => {
      for (const line of out.split('\n')) {
        if (!line.includes('"nexatron listening"')) continue
        clearTimeout(timer)
        proc.stdout!.off('data', look)
        return resolve((JSON.parse(line) as { url: string }).url)
      }
    }
    proc.stdout!.on('data', look)
    void exited.then(() => { clearTimeout(timer); reject(new Error(`server exited: ${out}`)) })
  })
  return {
    proc, url, exited, output: () => out,
    stop: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
      return exited
    },
  }
}
