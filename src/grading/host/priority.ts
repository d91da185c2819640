// CPU niceness for grading: the grading process and `tf-study-bot worker` lower their own priority,
// so that on a host they share with the bot or PostgreSQL, interactions get the CPU first.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import type { Logger } from '../../log.ts';

/**
 * Sets the CPU niceness of a process or thread (threads it starts later inherit it). Raising
 * niceness needs no privilege; where it fails (another OS) grading goes on.
 */
function lowerPriority(pid: number | undefined, nice: number, logger?: Logger): void {
  try {
    if (pid !== undefined && os.getPriority(pid) < nice) os.setPriority(pid, nice);
  } catch (error) {
    logger?.warn({ err: error, pid, nice }, 'could not lower the CPU priority of grading');
  }
}

/**
 * Lowers the CPU priority of this whole process: on Linux niceness belongs to each thread, and the
 * threads already running (libuv's pool, V8's helpers) would keep theirs. Threads started later
 * (grading workers, the chart-drawing thread) inherit it.
 */
export function lowerOwnPriority(nice: number, logger?: Logger): void {
  let threads = [process.pid];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    // Not Linux: the process's priority is all there is.
  }
  for (const thread of threads) lowerPriority(thread, nice, logger);
}
