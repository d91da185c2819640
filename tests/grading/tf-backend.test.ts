import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { silentLogger } from '../../src/log.ts';
import { loadTf, wasmBinaryDirectory } from '../../src/grading/tf-backend.ts';
import { PROJECT_ROOT } from '../support/run-cli.ts';

/** Runs an ES module script (TypeScript imports allowed) in a fresh Node process at the project root. */
function runScript(source: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', source], { cwd: PROJECT_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('loadTf', () => {
  it('falls back past the missing tfjs-node to wasm and computes with it', async () => {
    const messages: string[] = [];
    const logger = {
      info: (_details: object, message: string) => void messages.push(message),
      debug: () => {},
    };
    const { tf, backend } = await loadTf({ logger });
    let nodeInstalled = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      nodeInstalled = false;
    }
    expect(backend).toBe(nodeInstalled ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(backend);
    const squares = tf.tidy(() => tf.tensor([1, 2, 3]).square().dataSync());
    expect(Array.from(squares)).toEqual([1, 4, 9]);
    expect(messages).toContain(`TensorFlow.js backend: ${backend}`);
  });

  it('returns the cached result and restores the backend after another caller switched it', async () => {
    const first = await loadTf();
    const cpu = await loadTf({ prefer: 'cpu', logger: silentLogger });
    expect(cpu.backend).toBe('cpu');
    expect(cpu.tf.getBackend()).toBe('cpu');
    const again = await loadTf();
    expect(again.tf).toBe(first.tf);
    expect(again.backend).toBe(first.backend);
    expect(again.tf.getBackend()).toBe(first.backend);
  });

  it('points setWasmPaths at the shipped binaries with a trailing separator', () => {
    const dir = wasmBinaryDirectory();
    expect(dir.endsWith('/') || dir.endsWith('\\')).toBe(true);
    expect(existsSync(dir + 'tfjs-backend-wasm-simd.wasm')).toBe(true);
  });

  it('leaves the process error handlers to the application (the wasm glue adds handlers that rethrow)', async () => {
    // In a fresh process: the wasm backend starts there for the first time. A stray rejection the
    // application handles itself must not end the process (exit code 7 from a rethrowing handler).
    const { code, stdout, stderr } = await runScript(`
      const { loadTf } = await import('./src/grading/tf-backend.ts');
      const handlers = () => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
      const before = handlers();
      const { backend } = await loadTf();
      const after = handlers();
      process.on('unhandledRejection', (reason) => console.log('handled by the application: ' + reason.message));
      Promise.reject(new Error('stray rejection'));
      setTimeout(() => console.log(JSON.stringify({ backend, before, after })), 50);
    `);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('stray rejection') });
    expect(stdout).toContain('handled by the application: stray rejection');
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { backend: string; before: number[]; after: number[] };
    expect(summary.after).toEqual(summary.before);
  });
});
