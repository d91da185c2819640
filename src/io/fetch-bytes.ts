// Fetches a small file (a Discord attachment) into memory, never holding more than `maxBytes`:
// the announced length is checked first and the body is cut off as soon as it passes the cap.
export type FetchBytesFailure = { kind: 'too-large'; bytes: number } | { kind: 'unreachable'; reason: string };

export async function fetchBytes(
  url: string,
  options: { maxBytes: number; timeoutMs: number },
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; failure: FetchBytesFailure }> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(url, { signal });
    if (!response.ok || !response.body) return { ok: false, failure: { kind: 'unreachable', reason: `HTTP ${response.status}` } };
    const announced = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(announced) && announced > options.maxBytes) {
      await response.body.cancel();
      return { ok: false, failure: { kind: 'too-large', bytes: announced } };
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      received += chunk.byteLength;
      if (received > options.maxBytes) return { ok: false, failure: { kind: 'too-large', bytes: received } };
      chunks.push(chunk);
    }
    return { ok: true, bytes: Buffer.concat(chunks) };
  } catch (error) {
    return { ok: false, failure: { kind: 'unreachable', reason: signal.aborted ? `no answer within ${Math.round(options.timeoutMs / 1000)} s` : (error as Error).message } };
  }
}
