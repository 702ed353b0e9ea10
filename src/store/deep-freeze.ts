/**
 * Freezes a value read once and shared by many requests (read-through caches),
 * so code that would change it in place fails loudly instead of changing it for
 * every later request. Dates keep their setters (a Date's time is not a property).
 */
export function deepFreeze<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v) || v instanceof Date) return v
  Object.freeze(v)
  for (const x of Object.values(v as Record<string, unknown>)) deepFreeze(x)
  return v
}
