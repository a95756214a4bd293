/**
 * A value shared by every copy of aiplab's code in one process, kept on globalThis under `Symbol.for(key)`: a module
 * may load the core through another path than its caller (a notebook kernel that `require`s it while the module is
 * `import`ed), and registries must still be one.
 */
export function processGlobal<T>(key: string, make: () => T): T {
  const store = globalThis as Record<symbol, unknown>;
  const symbol = Symbol.for(key);
  if (!(symbol in store)) store[symbol] = make();
  return store[symbol] as T;
}
