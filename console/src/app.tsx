// The shell: sign-in gate, navigation, and the routes of every page.
import { useEffect } from 'preact/hooks'
import type { ComponentChildren } from 'preact'
import { restoreSession, useSession, useSessionState } from './session'
import { Link, navigate, useLocation } from './router'
import { SignInPage } from './pages/sign-in'
import { AskPage } from './pages/ask'
import { HistoryPage } from './pages/history'
import { ApiKeysPage } from './pages/api-keys'
import { AuditLogPage, ConnectionsPage, SemanticLayerPage, SsoSettingsPage, UsagePage, UsersPage, WebhookSecretPage } from './pages/admin'

const NAV: Array<{ href: string; label: string; match: (p: string) => boolean }> = [
  { href: '/', label: 'Ask', match: (p) => p === '/' || p === '/ask' },
  { href: '/history', label: 'History', match: (p) => p.startsWith('/history') },
  { href: '/connections', label: 'Connections', match: (p) => p.startsWith('/connections') },
  { href: '/semantic', label: 'Semantic layer', match: (p) => p.startsWith('/semantic') },
  { href: '/settings', label: 'Settings', match: (p) => p.startsWith('/settings') },
]

const TITLES: Record<string, string> = { '/': 'Ask', '/history': 'History', '/connections': 'Connections', '/semantic': 'Semantic layer', '/settings': 'Settings' }

export function App() {
  const state = useSessionState()
  useEffect(() => { void restoreSession() }, [])
  if (state.status === 'loading') return <main class="loading" id="main"><p role="status">Loading…</p></main>
  if (state.status === 'signed-out') return <SignInPage reason={state.reason} />
  return <Shell />
}

function Shell() {
  const session = useSession()
  const { path } = useLocation()
  useEffect(() => {
    const top = `/${path.split('/')[1] ?? ''}`
    document.title = `${TITLES[top] ?? 'Nexatron'} · Nexatron`
  }, [path])
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand">Nexatron</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => <li key={n.href}><Link href={n.href} current={n.match(path)}>{n.label}</Link></li>)}
          </ul>
        </nav>
        <div class="who">
          <span class="muted small">{session.email} · {session.role ?? 'key'} · {session.tenant.name}</span>
          <button type="button" class="link" onClick={() => void session.signOut()}>Sign out</button>
        </div>
      </header>
      <main id="main">{route(path)}</main>
    </>
  )
}

function Settings(props: { path: string; children: ComponentChildren }) {
  const session = useSession()
  const tabs = [
    { href: '/settings/api-keys', label: 'API keys', show: true },
    { href: '/settings/users', label: 'Users', show: session.can('users:manage') },
    { href: '/settings/webhook-secret', label: 'Webhook secret', show: session.can('*') },
    { href: '/settings/audit-log', label: 'Audit log', show: session.can('audit:read') },
    { href: '/settings/usage', label: 'Usage', show: true },
    { href: '/settings/sso', label: 'Single sign-on', show: session.can('*') },
  ]
  return (
    <div class="settings">
      <nav aria-label="Settings" class="subnav">
        <ul>{tabs.filter((t) => t.show).map((t) => <li key={t.href}><Link href={t.href} current={props.path.startsWith(t.href)}>{t.label}</Link></li>)}</ul>
      </nav>
      <div class="settings-body">{props.children}</div>
    </div>
  )
}

function route(path: string) {
  if (path === '/' || path === '/ask') return <AskPage />
  if (path.startsWith('/history')) return <HistoryPage />
  if (path.startsWith('/connections')) return <ConnectionsPage />
  if (path.startsWith('/semantic')) return <SemanticLayerPage />
  if (path === '/settings' || path === '/settings/') { queueMicrotask(() => navigate('/settings/api-keys', true)); return null }
  if (path.startsWith('/settings/api-keys')) return <Settings path={path}><ApiKeysPage /></Settings>
  if (path.startsWith('/settings/users')) return <Settings path={path}><UsersPage /></Settings>
  if (path.startsWith('/settings/webhook-secret')) return <Settings path={path}><WebhookSecretPage /></Settings>
  if (path.startsWith('/settings/audit-log')) return <Settings path={path}><AuditLogPage /></Settings>
  if (path.startsWith('/settings/usage')) return <Settings path={path}><UsagePage /></Settings>
  if (path.startsWith('/settings/sso')) return <Settings path={path}><SsoSettingsPage /></Settings>
  return <div class="page"><h1>Not found</h1><p>No page here. <Link href="/">Ask a question</Link>.</p></div>
}
