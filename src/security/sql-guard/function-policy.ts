// Functions the guard refuses, per dialect. The lists cover what reaches
// outside the allowed relations or outside the database: files, the network,
// other databases, server administration, locks, sequences, and functions
// that run SQL given as text. Time-wasting functions (sleeps) are refused by
// default but may be enabled per connection through `allowFunctions`.
//
// Catalog probes and server information are denied too: with raw SQL a
// function like `to_regclass('other.secret')`, `has_table_privilege(...)`,
// `version()` or `current_user` answers questions about what lies outside the
// semantic layer (which tables exist, the login's rights on them, the
// server's address and version). The allowed relations stay the only way to
// name data. Postgres parses `current_user`, `session_user`, `user`,
// `current_role`, `current_catalog` and `current_schema` as SQL value
// functions, not calls: its walker reports them here under those names.
//
// Matching is case-insensitive on the function's own name (the last name
// part) and on the dotted full name, so `"pg_catalog"."pg_read_file"` and
// `PG_READ_FILE` are both caught.
import type { DialectName } from '../../../semantic/types'
import { show } from './errors'

type Rule = string | RegExp

interface Policy {
  denied: Rule[]
  /** Denied by default; may be enabled with allowFunctions. */
  configurable: string[]
  /** Exceptions to broad denied patterns (e.g. `pg_typeof` under `^pg_`). */
  exceptions?: string[]
  /** Table functions (in FROM) that are allowed. All others are refused. */
  tableFunctions: string[]
}

const POSTGRES: Policy = {
  denied: [
    // pg_*: files (pg_read_file, pg_ls_dir, pg_stat_file), locks (pg_advisory_*),
    // backends (pg_terminate_backend, pg_stat_get_activity), config (pg_reload_conf)...
    /^pg_/, /^lo_/, 'loread', 'lowrite', /^dblink/, 'set_config', 'current_setting',
    /^(query|table|cursor|schema|database)_to_xml/, 'copy', 'nextval', 'setval', 'currval', 'lastval',
    // ts_stat and ts_rewrite accept a query as text and run it.
    'ts_stat', 'ts_rewrite', /^http(_|$)/, 'txid_current', 'pg_current_xact_id',
    // Catalog probes: existence (to_regclass, regclass('x')), rights, descriptions, ACLs.
    /^to_reg/, /^reg(class|collation|config|dictionary|namespace|oper|operator|proc|procedure|role|type)(in|out|recv|send)?$/,
    // Type input functions that take a type OID: record_in('(,)', regtypein('secret'), -1) is the
    // row type of a table the login cannot read, and to_json of it lists its columns;
    // oidvectortypes names the type (a table's row type) behind an OID.
    /^(record|array|domain|enum|range|multirange)_(in|recv)$/, 'oidvectortypes',
    /^has_\w*privilege$/, 'row_security_active', 'obj_description', 'col_description', 'shobj_description',
    'format_type', 'acldefault', 'aclexplode', 'makeaclitem',
    // Session and server information (current_date/time/timestamp excepted below).
    /^current_/, 'session_user', 'user', 'system_user', 'version', 'unicode_version', 'icu_unicode_version',
    'inet_server_addr', 'inet_server_port', 'inet_client_addr', 'inet_client_port', 'getdatabaseencoding',
    /^txid_/, 'mxid_age', 'getpgusername', 'get_current_ts_config',
    // satisfies_hash_partition opens a relation by OID ("could not open relation" or not);
    // binary_upgrade_* write the catalogs (pg_upgrade's, superuser only).
    'satisfies_hash_partition', /^binary_upgrade_/,
    // Index maintenance taking a regclass: a text argument is looked up by name, so
    // `brin_summarize_new_values('other.secret')` tells an existing table ("is not an
    // index") from a missing one; run by an owner they also change the index.
    /^brin_(de)?summarize_/, 'gin_clean_pending_list',
  ],
  configurable: ['pg_sleep', 'pg_sleep_for', 'pg_sleep_until'],
  // Harmless pg_* functions (COLLATION FOR (x) parses to pg_collation_for) and the current date and time.
  exceptions: ['pg_typeof', 'pg_size_pretty', 'pg_collation_for', 'current_date', 'current_time', 'current_timestamp'],
  tableFunctions: ['generate_series', 'unnest', 'jsonb_array_elements', 'jsonb_array_elements_text', 'json_array_elements', 'json_array_elements_text', 'jsonb_each', 'json_each', 'jsonb_each_text', 'json_each_text', 'regexp_split_to_table', 'generate_subscripts'],
}

const POLICIES: Record<DialectName, Policy> = {
  postgres: POSTGRES,
  redshift: { ...POSTGRES, tableFunctions: ['generate_series'] },
  mysql: {
    denied: [
      'load_file', 'get_lock', 'release_lock', 'release_all_locks', 'is_free_lock', 'is_used_lock',
      'master_pos_wait', 'source_pos_wait', 'wait_for_executed_gtid_set', 'wait_until_sql_thread_after_gtids',
      'sys_exec', 'sys_eval', 'updatexml', 'extractvalue', 'master_gtid_wait', 'binlog_gtid_pos',
      // MariaDB Galera: WSREP_SYNC_WAIT_UPTO_GTID waits like MASTER_GTID_WAIT; the others read replication state.
      /^wsrep_/,
      // Session and server information (@@variables are refused by the lexer).
      'version', 'database', 'schema', 'user', 'current_user', 'session_user', 'system_user', 'current_role',
      'connection_id', 'last_insert_id', 'found_rows', 'row_count', 'roles_graphml', 'icu_version',
      'ps_current_thread_id', 'ps_thread_id', /^sys\./,
      // MariaDB sequences: nextval/setval write, lastval reads session state.
      'nextval', 'setval', 'lastval',
    ],
    configurable: ['sleep', 'benchmark'],
    tableFunctions: [],
  },
  bigquery: {
    denied: ['external_query', 'external_object_transform', /^vector_search$/, 'appends', 'changes', 'session_user', 'current_user',
      // AI.GENERATE, AI.IF...: a model call through a Cloud resource connection (as Snowflake's Cortex);
      // OBJ.MAKE_REF / OBJ.GET_ACCESS_URL / OBJ.FETCH_METADATA: any Cloud Storage object, and signed URLs to it.
      /^ai\./, /^obj\./,
      // KEYS.KEYSET_CHAIN, NEW_WRAPPED_KEYSET, REWRAP_KEYSET, ROTATE_WRAPPED_KEYSET call Cloud KMS as the
      // service account, with any key it may use in any project: AEAD.DECRYPT_*(KEYS.KEYSET_CHAIN(...), x)
      // decrypts what the caller brings, and the error tells which keys exist. The rest of KEYS.* only makes
      // keysets, which an answer never needs; AEAD.* over a keyset read from a column stays allowed.
      /^keys\./],
    configurable: [],
    tableFunctions: ['unnest'],
  },
  snowflake: {
    denied: [
      /^system\$/, 'result_scan', 'identifier', 'table', 'get_ddl', 'build_scoped_file_url', 'build_stage_file_url',
      'get_presigned_url', 'get_stage_location', 'get_absolute_path', 'get_relative_path', 'infer_schema',
      'validate', 'validate_pipe_load', /^fl_/, 'to_file', 'query_history', /^snowflake\.cortex\./,
      // Context functions: the user, role, account, region, database, warehouse, version, session...
      /^current_/, 'last_query_id', 'last_transaction', /^is_(database_|application_)?role_in_session$/,
      'is_granted_to_invoker_role', /^invoker_/, 'getvariable', 'all_user_names', 'policy_context',
      // They take a table by name or a query as text: EXTRACT_SEMANTIC_CATEGORIES('other.secret')
      // samples a table outside the allow list; TO_QUERY runs the text it is given.
      'extract_semantic_categories', 'to_query',
      // The plan and tables of another query, by its id.
      'get_query_operator_stats',
      // Cortex AI SQL functions without the SNOWFLAKE.CORTEX qualifier: AI_COMPLETE, AI_EMBED, AI_CLASSIFY...
      /^ai_/,
    ],
    configurable: ['system$wait'],
    exceptions: ['current_date', 'current_time', 'current_timestamp'],
    tableFunctions: ['flatten'],
  },
  mssql: {
    denied: [
      'openrowset', 'opendatasource', 'openquery', 'openxml', /^xp_/, /^sp_/, /^fn_/, 'pwdcompare', 'pwdencrypt',
      // Catalog probes and metadata: OBJECT_ID, OBJECTPROPERTY, SERVERPROPERTY, COLUMNPROPERTY, HAS_PERMS_BY_NAME...
      /^object/, /propert(y|yex)$/, /^has_/, /^is_(member|rolemember|srvrolemember)$/, 'permissions',
      'col_name', 'col_length', 'index_col', 'type_id', 'type_name', 'schema_id', 'schema_name', 'stats_date',
      /^file(group)?_(id|name|idex)$/, 'key_id', 'key_name', /^applock_/, /^ident_(current|seed|incr)$/, 'scope_identity',
      // Session and server information (@@VERSION and the other @@ variables are refused by the lexer).
      /^db_/, /^suser_/, 'user_name', 'user_id', 'user', 'current_user', 'session_user', 'system_user', 'original_login',
      'original_db_name', 'database_principal_id', 'host_name', 'host_id', 'app_name', 'session_context', 'context_info',
      'current_request_id', 'current_transaction_id', 'getansinull', 'current_timezone', 'current_timezone_id',
      'min_active_rowversion',
      // Whether a certificate or key exists, and its public or private part.
      'cert_id', 'asymkey_id', 'certencoded', 'certprivatekey',
    ],
    configurable: [],
    tableFunctions: [],
  },
  clickhouse: {
    denied: [
      'url', 'urlcluster', 'file', 'filecluster', /^s3/, 'gcs', /^azureblobstorage/, 'remote', 'remotesecure',
      'cluster', 'clusterallreplicas', 'mysql', 'postgresql', 'sqlite', 'mongodb', 'redis', 'jdbc', 'odbc',
      /^hdfs/, 'input', /^executable/, 'dictionary', /^dict/, /^joinget/, 'merge', 'view', 'viewifpermitted',
      /^iceberg/, /^deltalake/, /^hudi/, 'hascolumnintable', 'trap',
      // The functional forms of IN accept a table name as their second argument.
      /^(global)?(not)?(null)?in$/, /^(global)?(not)?(null)?inignoreset$/,
      'catboostevaluate', 'addresstoline', 'addresstolinewithinlines', 'addresstosymbol', 'demangle',
      // Session and server information: currentDatabase, currentUser, currentRoles, currentQueryID...
      /^current/, 'version', 'revision', 'buildid', 'uptime', 'hostname', 'fqdn', 'database', 'user', 'authenticateduser',
      /^enabled(roles|profiles)$/, /^default(roles|profiles)$/, /^getsetting/, /^getserversetting/, 'getmergetreesetting',
      'getmacro', 'getserverport', 'tcpport', 'serveruuid', 'shardnum', 'shardcount', 'initialqueryid', 'queryid',
      'initialquerystarttime', 'getoskernelversion', 'displayname', 'zookeepersessionuptime', 'getclienthttpheader',
      /^filesystem/, 'globalvariable', 'timezone', 'servertimezone', 'connectionid', 'connection_id',
      // The server's TLS certificate, whether a database exists (it throws when not), transaction state;
      // generateSerialID advances a counter kept in Keeper.
      'showcertificate', 'getmaxtablenamelengthfordatabase', /^transaction(id|latestsnapshot|oldestsnapshot)$/, 'generateserialid',
    ],
    configurable: ['sleep', 'sleepeachrow'],
    tableFunctions: [],
  },
}

// Rules that contain a dot are about qualified names (`snowflake.cortex.*`);
// all others are about the function's own name, whatever its qualifier.
function matches(rule: Rule, name: string, full: string): boolean {
  if (typeof rule === 'string') return rule.includes('.') ? rule === full : rule === name
  return rule.source.includes('\\.') ? rule.test(full) : rule.test(name)
}

export interface FunctionVerdict {
  allowed: boolean
  /** Why it was refused, safe for users. */
  reason?: string
}

export class FunctionPolicy {
  private readonly policy: Policy
  private readonly enabled: Set<string>

  /**
   * `allowFunctions` may list functions of several dialects (one setting for
   * all connections): names this dialect does not know are ignored, but
   * naming a function this dialect denies for safety is a configuration error.
   */
  constructor(private readonly dialect: DialectName, allowFunctions: string[] = []) {
    this.policy = POLICIES[dialect]
    this.enabled = new Set()
    for (const f of allowFunctions) {
      const name = f.trim().toLowerCase()
      if (this.policy.configurable.includes(name)) this.enabled.add(name)
      else if (this.isDenied(name, name)) {
        throw new Error(`allowFunctions: ${f} cannot be enabled on ${dialect}: it is denied for safety; only ${this.policy.configurable.join(', ') || 'nothing'} can be`)
      }
    }
  }

  private isDenied(name: string, full: string): boolean {
    return !this.policy.exceptions?.includes(name) && this.policy.denied.some((r) => matches(r, name, full))
  }

  /** `parts` are the call's name parts as written (qualifier first). */
  check(parts: string[], position: 'expression' | 'from'): FunctionVerdict {
    const lower = parts.map((p) => p.toLowerCase())
    const name = lower[lower.length - 1]
    const full = lower.join('.')
    const shown = show(parts.join('.'))
    if (this.policy.configurable.includes(name) && !this.enabled.has(name)) {
      return { allowed: false, reason: `the function ${shown} is not allowed on this connection` }
    }
    if (!this.enabled.has(name) && this.isDenied(name, full)) {
      return { allowed: false, reason: `the function ${shown} is not allowed: it reaches outside the allowed relations, reveals catalog or server information, or changes server state` }
    }
    if (position === 'from' && !this.policy.tableFunctions.includes(name)) {
      return { allowed: false, reason: `the table function ${shown} is not allowed in FROM; read the allowed relations instead` }
    }
    return { allowed: true }
  }
}

/**
 * For configuration checks at startup: the entries of an `allowFunctions`
 * setting that no dialect lets you enable (each with why), so a typo or an
 * unsafe entry is reported once instead of failing queries later.
 */
export function invalidAllowFunctions(names: string[]): string[] {
  const problems: string[] = []
  for (const f of names) {
    const name = f.trim().toLowerCase()
    const deniedOn = (Object.keys(POLICIES) as DialectName[]).filter((d) => {
      const p = POLICIES[d]
      return !p.configurable.includes(name) && !p.exceptions?.includes(name) && p.denied.some((r) => matches(r, name, name))
    })
    const configurable = Object.values(POLICIES).some((p) => p.configurable.includes(name))
    if (deniedOn.length > 0) problems.push(`${f} is denied for safety on ${deniedOn.join(', ')}`)
    else if (!configurable) problems.push(`${f} is not a function any dialect allows enabling (${configurableFunctions().join(', ')})`)
  }
  return problems
}

/** Every function name `allowFunctions` can enable, across dialects. */
export function configurableFunctions(): string[] {
  return [...new Set(Object.values(POLICIES).flatMap((p) => p.configurable))].sort()
}
