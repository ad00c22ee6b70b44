// The one way the code defers work that a Lambda's first request may not need — a module
// of the AWS SDK, the spreadsheet writer, a client — out of the cold start: made on first
// use, once per process, then shared. In the single-file Lambda bundle a dynamic
// `import()` stays in the file, but the module's top-level code runs only when called
// (README "Performance": what each function's init costs, measured by `npm run bench`).

/**
 * `make()` on the first call, its value on every later one. A `make` that throws is tried
 * again on the next call; a promise it returns is kept as it is, settled or not, so
 * `lazy(() => import('x'))` loads `x` once however many callers await it at the same time.
 */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
