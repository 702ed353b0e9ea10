// Snowflake connection settings as the Connections API accepts them.
// `config` is stored in clear; `credentials` is write-only and encrypted.
import { z } from 'zod'
import { endpointUrl } from '../shared/config-fields'

/** Snowflake object names: plain identifiers, or anything when quoted by us. */
const objectName = z.string().trim().min(1).max(255)

export const snowflakeConfigSchema = z
  .object({
    /** Account identifier, e.g. `myorg-myaccount` or `xy12345.eu-central-1`. */
    account: z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/, 'a plain account identifier: letters, digits, "_" and "-", parts joined by single dots'),
    /** Database whose INFORMATION_SCHEMA is introspected; also the session's default database. */
    database: objectName,
    /** Default schema of the session (optional). */
    schema: objectName.optional(),
    /** Virtual warehouse that runs the queries. */
    warehouse: objectName.optional(),
    /** Role to assume; give it SELECT-only grants (see connectors/snowflake/README.md). */
    role: objectName.optional(),
    /**
     * Full endpoint URL when it is not `https://<account>.snowflakecomputing.com`
     * (PrivateLink, a proxy). The host is subject to the host policy like any other.
     */
    access_url: endpointUrl.optional(),
    /** QUERY_TAG set on every statement so admins can find Nexatron's queries in QUERY_HISTORY. */
    query_tag: z.string().max(2000).optional(),
  })
  .strict()

export const snowflakeCredentialsSchema = z
  .object({
    username: z.string().min(1).max(255),
    /** Password authentication. */
    password: z.string().min(1).optional(),
    /** Key-pair authentication (SNOWFLAKE_JWT): PEM private key. */
    private_key: z.string().min(1).optional(),
    /** Passphrase of an encrypted `private_key`. */
    private_key_passphrase: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => (c.password === undefined) !== (c.private_key === undefined), {
    message: 'give exactly one of password or private_key',
    path: ['password'],
  })

export type SnowflakeConfig = z.infer<typeof snowflakeConfigSchema>
export type SnowflakeCredentials = z.infer<typeof snowflakeCredentialsSchema>
