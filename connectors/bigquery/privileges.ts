// BigQuery permissions live in Cloud IAM, which a query cannot read: the
// report says the check is not available instead of guessing.
import type { LoginPrivileges } from '../connector'
import { uncheckedPrivileges } from '../shared/privileges'

export async function bigqueryPrivileges(): Promise<LoginPrivileges> {
  return uncheckedPrivileges("Nexatron cannot read a BigQuery service account's IAM roles; give it only roles/bigquery.jobUser and roles/bigquery.dataViewer (see the README)")
}
