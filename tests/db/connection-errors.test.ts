import { describe, expect, it } from 'vitest';
import { isConnectionError } from '../../src/db/connection-errors.ts';

const coded = (code: string) => Object.assign(new Error(code), { code });

describe('which database errors are a lost connection', () => {
  it('sees one through the wrappers drizzle and fetch put around it', () => {
    expect(isConnectionError(coded('CONNECTION_CLOSED'))).toBe(true);
    expect(isConnectionError(new Error('Failed query: update ...', { cause: coded('ECONNREFUSED') }))).toBe(true);
    expect(isConnectionError(new Error('connect', { cause: new AggregateError([coded('ENETUNREACH'), coded('ECONNREFUSED')]) }))).toBe(true);
    expect(isConnectionError(coded('08006'))).toBe(true); // connection_failure
    expect(isConnectionError(coded('57P01'))).toBe(true); // admin_shutdown
  });

  it('tells them from statements that will fail every time', () => {
    expect(isConnectionError(new Error('Failed query', { cause: coded('22021') }))).toBe(false); // invalid byte sequence (a NUL)
    expect(isConnectionError(coded('23505'))).toBe(false); // unique_violation
    expect(isConnectionError(new Error('no code at all'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });
});
