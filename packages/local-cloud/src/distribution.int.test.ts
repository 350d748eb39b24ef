import { describe, expect, it } from 'vitest';
import { startDistribution } from './distribution.ts';

describe('startDistribution', () => {
  it('starts the real registry on 127.0.0.1 and stops it', async () => {
    const registry = await startDistribution();
    try {
      expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
      const res = await fetch(`${registry.url}/v2/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    } finally {
      await registry.stop();
    }
    await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow();
  });
});
