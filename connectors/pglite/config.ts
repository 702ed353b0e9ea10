// PGlite (embedded Postgres in WebAssembly): the demo warehouse. The demo
// connection normally wraps an instance the server created in-process (see
// createPgliteConnector({ db })); a stored `pglite` connection may instead name
// a data directory, which only an operator should be allowed to choose.
import { z } from 'zod'

export const pgliteConfigSchema = z.object({
  /**
   * Where the database lives: `memory://` (default; empty, in-memory) or an
   * absolute directory path on the server.
   */
  data_dir: z.string().max(4096)
    .refine((d) => d === 'memory://' || d.startsWith('memory://') || (d.startsWith('/') && !d.split('/').includes('..')),
      'memory:// or an absolute directory path without ".." segments')
    .optional(),
  /** Schemas introspected by default (all non-system schemas when absent). */
  schemas: z.array(z.string().min(1).max(255)).max(1000).optional(),
}).strict()

/** PGlite has no authentication: nothing to store. */
export const pgliteCredentialsSchema = z.object({}).strict()

export type PgliteConfig = z.infer<typeof pgliteConfigSchema>
