// The error for a bad setting (an environment variable, a missing key). Its
// own module so that modules config.ts reads (the SQL guard's function policy)
// and modules that read settings (security/secret-key.ts) need no import of
// each other through config.ts.
export class ConfigError extends Error {}
