import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cancellation, CancelledError, type CancelSignal } from './cancellation.ts';

function fakeProcess() {
  const listeners = new Map<CancelSignal, Set<() => void>>();
  return {
    listeners,
    on: (event: CancelSignal, listener: () => void) =>
      listeners.set(event, (listeners.get(event) ?? new Set()).add(listener)),
    off: (event: CancelSignal, listener: () => void) => listeners.get(event)?.delete(listener),
    send: (event: CancelSignal) => {
      for (const l of listeners.get(event) ?? []) l();
    },
  };
}

function setup() {
  const signals = fakeProcess();
  const events: string[] = [];
  const cancellation = new Cancellation({
    message: (s) => `cancelled (${s})`,
    onCancel: (s) => events.push(`cancel ${s}`),
    onRepeat: (s) => events.push(`repeat ${s}`),
    onTerminate: (reason) => events.push(`terminate ${reason.message}`),
    signals,
  }).install();
  return { signals, events, cancellation };
}

describe('Cancellation', () => {
  it('SIGINT aborts with a CancelledError; a second SIGINT is reported, not fatal', () => {
    const { signals, events, cancellation } = setup();
    signals.send('SIGINT');
    signals.send('SIGINT');
    expect(cancellation.signal.reason).toBeInstanceOf(CancelledError);
    expect(cancellation.signal.reason.signalName).toBe('SIGINT');
    expect(events).toEqual(['cancel SIGINT', 'repeat SIGINT']);
    expect(() => cancellation.throwIfCancelled()).toThrow('cancelled (SIGINT)');
  });

  it('SIGTERM after SIGINT removes tracked scratch, then terminates with the first reason', () => {
    const { signals, events, cancellation } = setup();
    const scratch = mkdtempSync(join(tmpdir(), 'cancellation-test-'));
    cancellation.track(scratch);
    signals.send('SIGINT');
    signals.send('SIGTERM');
    expect(existsSync(scratch)).toBe(false);
    expect(events).toEqual(['cancel SIGINT', 'repeat SIGTERM', 'terminate cancelled (SIGINT)']);
  });

  it('SIGTERM alone aborts and terminates', () => {
    const { signals, events, cancellation } = setup();
    signals.send('SIGTERM');
    expect(cancellation.signal.aborted).toBe(true);
    expect(events).toEqual(['cancel SIGTERM', 'terminate cancelled (SIGTERM)']);
  });

  it('without a signal: errors are reported as they are, nothing throws', () => {
    const { cancellation } = setup();
    const error = new Error('x');
    expect(cancellation.explain(error)).toBe(error);
    expect(() => cancellation.throwIfCancelled()).not.toThrow();
  });

  it('after dispose a signal aborts nothing but still fails the step; a listener is there throughout', () => {
    const signals = fakeProcess();
    const events: string[] = [];
    const counts: number[] = [];
    const watched = {
      on: (e: CancelSignal, l: () => void) => {
        signals.on(e, l);
        counts.push(signals.listeners.get('SIGINT')?.size ?? 0);
      },
      off: (e: CancelSignal, l: () => void) => {
        signals.off(e, l);
        counts.push(signals.listeners.get('SIGINT')?.size ?? 0);
      },
    };
    const cancellation = new Cancellation({
      message: (s) => `cancelled (${s})`,
      onCancel: (s) => events.push(`cancel ${s}`),
      onLate: (s) => events.push(`late ${s}`),
      signals: watched,
    }).install();
    cancellation.dispose();
    // Node drops a signal caught while a signal's last listener is removed: never zero in between
    expect(counts.every((n) => n > 0)).toBe(true);
    signals.send('SIGINT');
    expect(events).toEqual(['late SIGINT']);
    expect(cancellation.signal.aborted).toBe(false);
  });

  it('a late signal without onLate reports it and sets exit code 1', () => {
    const { signals, events, cancellation } = setup();
    const before = process.exitCode;
    try {
      cancellation.dispose();
      signals.send('SIGTERM');
      expect(events).toEqual(['cancel SIGTERM']);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = before;
    }
  });
});
