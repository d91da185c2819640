// db.execute() answers differently per driver: postgres.js gives the rows as an array, PGlite an
// object with `rows`. Raw SQL results go through this to read the same on both engines.
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
