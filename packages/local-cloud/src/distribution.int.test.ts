import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

  it('removes its config and log when stopped, and keeps the storage directory it was given', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'registry-storage-'));
    try {
      const registry = await startDistribution({ storageDir: storage });
      const work = dirname(registry.logFile);
      expect(existsSync(work)).toBe(true);
      await registry.stop();
      expect(existsSync(work)).toBe(false);
      expect(existsSync(storage)).toBe(true);
    } finally {
      rmSync(storage, { recursive: true, force: true });
    }
  });
});

describe('startDistribution with htpasswd auth', () => {
  it('asks for Basic credentials and accepts the ones in the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-htpasswd-'));
    // bcrypt (cost 4) of 's3cret-fixture'
    writeFileSync(join(dir, 'htpasswd'), 'tester:$2b$04$aCycHKQdCBj2fXwCfry80uYueQvKi69.SCKKUZQKNnNs/Bhh4MSwS\n');
    const registry = await startDistribution({ auth: { htpasswd: { path: join(dir, 'htpasswd'), realm: 'test' } } });
    try {
      const anonymous = await fetch(`${registry.url}/v2/`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="test"');
      const basic = (user: string, password: string) =>
        `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      const ok = await fetch(`${registry.url}/v2/`, { headers: { authorization: basic('tester', 's3cret-fixture') } });
      expect(ok.status).toBe(200);
      const wrong = await fetch(`${registry.url}/v2/`, { headers: { authorization: basic('tester', 'wrong') } });
      expect(wrong.status).toBe(401);
    } finally {
      await registry.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
