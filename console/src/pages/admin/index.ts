// The admin pages (Connections, Semantic layer, Settings → Users, Webhook
// secret); app.tsx routes to these exports. Their styles load with them.
import './admin.css'
export { ConnectionsPage } from './connections'
export { SemanticLayerPage } from './semantic-layer'
export { UsersPage } from './users'
export { WebhookSecretPage } from './webhook-secret'
export { AuditLogPage } from './audit-log'
export { UsagePage } from './usage'
export { SsoSettingsPage } from './sso-settings'
