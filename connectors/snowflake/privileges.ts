// Snowflake grants are not read yet (SHOW GRANTS TO ROLE walks a role
// hierarchy this connector does not follow): the report says so instead of
// guessing. The README's recipe gives the role USAGE and SELECT only.
import type { LoginPrivileges } from '../connector'
import { uncheckedPrivileges } from '../shared/privileges'

export async function snowflakePrivileges(): Promise<LoginPrivileges> {
  return uncheckedPrivileges("Nexatron does not check a Snowflake role's grants; give the connection a role with only USAGE and SELECT (see the README)")
}
