// The one clock of the app. Everything that records or compares a moment in time (rows written,
// weeks, windows, leases, rate limits) takes a Clock, and SQL receives its value as a parameter,
// so tests can move time and the database's own clock never decides anything.
// Durations measured for logs and throttles use performance.now(), which is not a moment in time.
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/**
 * Elapsed time and waits, for throttles: a monotonic `now()` in milliseconds and timers that run
 * on it. Tests hand in timers they move by hand, so a throttle's behaviour never depends on how
 * fast the machine is.
 */
export type Timers = {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const systemTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
