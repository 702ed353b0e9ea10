// SQL Server / Azure SQL connection settings as the Connections API accepts them.
// `config` is stored in clear; `credentials` is write-only and encrypted.
import { z } from 'zod'
import { host } from '../shared/config-fields'

export const mssqlConfigSchema = z
  .object({
    /**
     * Host name or address (subject to the host policy). A named instance goes
     * in `instance_name`, never as `host\instance`.
     */
    host,
    /** TCP port; default 1433. Ignored when instance_name is set (SQL Browser resolves it). */
    port: z.number().int().min(1).max(65535).optional(),
    /** Named instance, resolved through the SQL Server Browser service (UDP 1434). */
    instance_name: z.string().trim().min(1).max(16).regex(/^[A-Za-z0-9_$#&-]+$/, 'an instance name: letters, digits, "_", "$", "#", "&" and "-"').optional(),
    database: z.string().trim().min(1).max(128),
    /** TLS for the whole session; default true (Azure SQL requires it). */
    encrypt: z.boolean().default(true),
    /** Accept a self-signed server certificate; default false. */
    trust_server_certificate: z.boolean().default(false),
    /** ApplicationIntent=ReadOnly: routes to a readable secondary of an Availability Group. */
    read_only_intent: z.boolean().default(false),
    /**
     * Run every query inside a transaction that is always rolled back, so even a
     * statement that slipped past the SQL guard changes nothing. Default true;
     * turn off for queries over linked servers (they would need MSDTC).
     */
    rollback_only: z.boolean().default(true),
  })
  .strict()

export const mssqlCredentialsSchema = z
  .object({
    /** SQL login, or a Windows account together with `domain` (NTLM). */
    username: z.string().min(1).max(128),
    password: z.string().min(1).max(128),
    domain: z.string().min(1).max(255).optional(),
  })
  .strict()

export type MssqlConfig = z.infer<typeof mssqlConfigSchema>
export type MssqlCredentials = z.infer<typeof mssqlCredentialsSchema>
