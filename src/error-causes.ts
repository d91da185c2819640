// Errors arrive wrapped: drizzle and fetch keep the original as `cause`, and connecting to a host
// with several addresses fails with an AggregateError of one error per address.

/** The error, then what caused it and what it aggregates, depth first, at most `maxDepth` deep. */
export function* causesOf(error: unknown, maxDepth = 5): Generator<unknown> {
  if (error === undefined || error === null || maxDepth < 0) return;
  yield error;
  if (error instanceof AggregateError) for (const inner of error.errors) yield* causesOf(inner, maxDepth - 1);
  yield* causesOf((error as { cause?: unknown }).cause, maxDepth - 1);
}
