// The one clock of the app. Everything that records or compares a moment in time (rows written,
// weeks, windows, leases, rate limits) takes a Clock, and SQL receives its value as a parameter,
// so tests can move time and the database's own clock never decides anything.
// Durations measured for logs and throttles use performance.now(), which is not a moment in time.
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
