import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError, type CancelSignal, pushCancellation } from './cancellation.ts';

function fakeProcess() {
  const listeners = new Map<CancelSignal, () => void>();
  return {
    listeners,
    on: (event: CancelSignal, listener: () => void) => listeners.set(event, listener),
    off: (event: CancelSignal) => listeners.delete(event),
    send: (event: CancelSignal) => listeners.get(event)?.(),
  };
}

function setup() {
  const signals = fakeProcess();
  const events: string[] = [];
  const cancellation = pushCancellation({
    what: 'ecr-push',
    rerun: 're-running is safe',
    log: (line) => events.push(`log ${line}`),
    fail: (message) => events.push(`fail ${message}`),
    exit: (code) => events.push(`exit ${code}`),
    signals,
  }).install();
  return { signals, events, cancellation };
}

describe('Cancellation', () => {
  it('SIGINT aborts the signal with a CancelledError saying a re-run is safe; nothing ends the process', () => {
    const { signals, events, cancellation } = setup();
    signals.send('SIGINT');
    expect(cancellation.signal.aborted).toBe(true);
    const reported = cancellation.explain(new Error('socket hang up'));
    expect(reported).toBeInstanceOf(CancelledError);
    expect((reported as Error).message).toBe(
      'ecr-push was cancelled (SIGINT): it stopped and removed its scratch files; re-running is safe',
    );
    expect(events).toEqual(['log ecr-push: SIGINT received: stopping, then removing scratch files']);
  });

  it('SIGTERM after SIGINT removes tracked scratch directories at once, fails the step and exits 1', () => {
    const { signals, events, cancellation } = setup();
    const scratch = mkdtempSync(join(tmpdir(), 'cancellation-test-'));
    cancellation.track(scratch);
    signals.send('SIGINT');
    signals.send('SIGTERM');
    expect(existsSync(scratch)).toBe(false);
    expect(events.slice(1)).toEqual([
      'fail ecr-push was cancelled (SIGINT): it stopped and removed its scratch files; re-running is safe',
      'exit 1',
    ]);
  });

  it('without a signal, errors are reported as they are; dispose stops listening', () => {
    const { signals, cancellation } = setup();
    const error = new Error('x');
    expect(cancellation.explain(error)).toBe(error);
    cancellation.dispose();
    expect(signals.listeners.size).toBe(0);
  });
});
