/**
 * The asynchronous form of a synchronous repository: every method returns a
 * promise of what it returned. The SQLite repositories are synchronous
 * (better-sqlite3); the interfaces the services will use are asynchronous so
 * a PostgreSQL repository implements the same one.
 */
export type AsyncOf<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/**
 * Wraps a synchronous repository as its asynchronous form: each call runs at
 * once (a SQLite transaction is never split across event-loop turns) and its
 * result or error is delivered as a settled promise. `methods` are the ones
 * exposed (the interface's), so nothing else of the object leaks through.
 */
export function asyncOf<T extends object, K extends keyof T>(
  target: T,
  methods: readonly K[],
): AsyncOf<Pick<T, K>> {
  const wrapped: Partial<Record<K, unknown>> = {};
  for (const name of methods) {
    const method = target[name];
    if (typeof method !== 'function') throw new TypeError(`${String(name)} is not a method`);
    wrapped[name] = async (...args: unknown[]) =>
      (method as (...a: unknown[]) => unknown).apply(target, args);
  }
  return wrapped as AsyncOf<Pick<T, K>>;
}
