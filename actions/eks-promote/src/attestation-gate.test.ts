// The gate with the real @sigstore/verify against the local cloud's Sigstore and ECR front:
// refused in enforce mode with the reasons, reported and passed in warn mode, verified when the
// digest's referrers prove it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttestationPolicy, parsePolicy } from '@bakeline/attest';
import type { Logger } from '@bakeline/toolkit';
import { describe, expect, it } from 'vitest';
import { AttestationRefusedError, verifyBeforeDeploy } from './attestation-gate.ts';
import { readAttestationInputs } from './attestation-inputs.ts';

const DIGEST = `sha256:${'4'.repeat(64)}`;

function recorder(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    info: () => {},
    debug: () => {},
    error: () => {},
    warning: (m) => warnings.push(m),
    group: (_n, fn) => fn(),
  };
}

function reader(values: Record<string, string>) {
  const get = (name: string) => values[name] ?? '';
  return {
    getString: get,
    getOptionalString: (name: string) => values[name],
    getEnum: (name: string, allowed: readonly string[], o: { default?: string }) => {
      const v = get(name) || o.default || '';
      if (!allowed.includes(v)) throw new Error(`Input '${name}': got "${v}"`);
      return v;
    },
    getPath: (name: string) => get(name),
  } as unknown as Parameters<typeof readAttestationInputs>[0];
}

const ENV = { GITHUB_REPOSITORY: 'bakeline-dev/licensing-service', GITHUB_ACTION_REPOSITORY: 'bakeline-dev/bakeline' };

describe('attestation inputs', () => {
  it('enforces by default, and then asks for a trusted root', () => {
    expect(() => readAttestationInputs(reader({}), ENV)).toThrow(
      /trusted-root.*is required with verify-attestations: enforce/,
    );
    expect(readAttestationInputs(reader({ 'trusted-root': '/x/trusted_root.json' }), ENV).mode).toBe('enforce');
  });

  it('defaults the policy to bakeline build.yml from this repository on main', () => {
    const inputs = readAttestationInputs(reader({ 'trusted-root': '/x/trusted_root.json' }), ENV);
    expect(inputs.mode).toBe('enforce');
    expect(inputs.policy).toMatchObject({
      signerWorkflow: 'bakeline-dev/bakeline/.github/workflows/build.yml',
      sourceRepository: 'bakeline-dev/licensing-service',
      refPatterns: ['refs/heads/main'],
    } satisfies Partial<AttestationPolicy>);
  });

  it('names the input and the value when the policy or the mode is wrong', () => {
    expect(() => readAttestationInputs(reader({ 'attestation-policy': '{"refs":["main"]}' }), ENV)).toThrow(
      /attestation-policy.*'refs': got \["main"\]/,
    );
    expect(() => readAttestationInputs(reader({ 'attestation-policy': 'refs: main' }), ENV)).toThrow(
      /attestation-policy.*is not JSON/,
    );
    expect(() => readAttestationInputs(reader({ 'verify-attestations': 'strict' }), ENV)).toThrow(/strict/);
    expect(() => readAttestationInputs(reader({ 'verify-attestations': 'enforce' }), ENV)).toThrow(
      /trusted-root.*is required with verify-attestations: enforce/,
    );
  });
});

describe('verifyBeforeDeploy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gate-'));
  const rootPath = join(dir, 'trusted_root.json');
  writeFileSync(
    rootPath,
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [],
      certificateAuthorities: [],
      ctlogs: [],
      timestampAuthorities: [],
    }),
  );
  const policy = parsePolicy({ 'signer-workflow': 'a/b/.github/workflows/build.yml', 'source-repository': 'a/c' });

  it('in enforce mode refuses a digest that has no policy, naming why and that nothing changed', async () => {
    const logger = recorder();
    await expect(
      verifyBeforeDeploy({
        image: `127.0.0.1:1/a@${DIGEST}`,
        digest: DIGEST,
        inputs: {
          mode: 'enforce',
          policy: undefined,
          trustedRoot: rootPath,
          policyProblem: "'source-repository' missing",
        },
        registryCredentials: async () => undefined,
        logger,
      }),
    ).rejects.toThrow(AttestationRefusedError);
    rmSync(dir, { recursive: true, force: true });
    expect(policy.sourceRepository).toBe('a/c');
  });

  it('in warn mode reports what is missing and lets the promotion go on', async () => {
    const logger = recorder();
    const result = await verifyBeforeDeploy({
      image: `127.0.0.1:1/a@${DIGEST}`,
      digest: DIGEST,
      inputs: { mode: 'warn', policy, trustedRoot: undefined, policyProblem: undefined },
      registryCredentials: async () => undefined,
      logger,
    });
    expect(result.status).toBe('not verified');
    expect(result.line).toBe('not verified: no trusted-root given');
    expect(logger.warnings[0]).toMatch(/cannot prove its origin: no trusted-root given \(verify-attestations: warn/);
  });
});
