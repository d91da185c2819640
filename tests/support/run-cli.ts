// Runs the real `tf-study-bot` command line in a child process, as a user would.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = resolve(PROJECT_ROOT, 'bin', 'tf-study-bot.js');

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** An environment without the developer's own settings, so tests see only what they set. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/**
 * Kills `child` if it is still running when this test process ends: a test cut off by its timeout
 * never reaches its own clean-up, and a bot process left behind would run on.
 */
export function killOnExit<T extends ChildProcess>(child: T): T {
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  return child;
}

export function runCli(args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = killOnExit(spawn(process.execPath, [BIN, ...args], { env: options.env, cwd: options.cwd ?? PROJECT_ROOT }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Starts a TypeScript file of the project in a child process and waits until it prints `line`. */
export function startScript(file: string, args: string[], line: string, env: NodeJS.ProcessEnv = process.env): Promise<ChildProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = killOnExit(spawn(process.execPath, [resolve(PROJECT_ROOT, 'bin', 'run-ts.js'), file, ...args], { env, cwd: PROJECT_ROOT }));
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not print "${line}" in time: ${out}${err}`));
    }, 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (out.includes(line)) {
        clearTimeout(timer);
        resolvePromise(child);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before "${line}": ${out}${err}`));
    });
  });
}

export type RunningCli = { child: ChildProcess; exited: Promise<number | null>; output(): string };

/** Starts `tf-study-bot <args>` and resolves once its output (stdout or stderr) includes `line`. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, line: string): Promise<RunningCli> {
  const child = killOnExit(spawn(process.execPath, [BIN, ...args], { env, cwd: PROJECT_ROOT }));
  let output = '';
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  return new Promise((resolvePromise, reject) => {
    const onData = (data: Buffer) => {
      output += data;
      if (output.includes(line)) resolvePromise({ child, exited, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`tf-study-bot ${args.join(' ')} exited with ${code} before "${line}":\n${output}`)));
  });
}
