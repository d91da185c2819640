import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { silentLogger } from '../../src/log.ts';
import { loadTf, wasmBinaryDirectory } from '../../src/grading/tf-backend.ts';

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
});
