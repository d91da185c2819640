// The one shape of a service operation that can be refused: the caller renders `reason` (a
// message, a list of problems, or a tagged refusal) and the happy path carries `value`.
export type Result<T, R = string> = { ok: true; value: T } | { ok: false; reason: R };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function refused<R>(reason: R): { ok: false; reason: R } {
  return { ok: false, reason };
}
