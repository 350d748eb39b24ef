import { describe, expect, it } from 'vitest';
import { agentsSupportProxy, proxyAgentOptions, proxyEnvFrom } from './proxy-agents.ts';

describe('proxyEnvFrom', () => {
  it('keeps only the proxy variables that are set', () => {
    expect(
      proxyEnvFrom({ HTTPS_PROXY: 'http://proxy:3128', no_proxy: '.internal', PATH: '/bin', HTTP_PROXY: ' ' }),
    ).toEqual({ HTTPS_PROXY: 'http://proxy:3128', no_proxy: '.internal' });
    expect(proxyEnvFrom({ PATH: '/bin' })).toBeUndefined();
  });

  it('refuses a proxy that is not an http(s) URL, without printing it (it may hold a password)', () => {
    expect(() => proxyEnvFrom({ HTTPS_PROXY: 'user:s3cret@proxy:3128' })).toThrow(
      'HTTPS_PROXY is not a proxy URL; expected http(s)://[user:password@]host:port',
    );
    expect(() => proxyEnvFrom({ http_proxy: 'socks5://proxy:1080' })).toThrow(/^http_proxy is not a proxy URL/);
  });
});

describe('proxyAgentOptions', () => {
  it.each([
    ['24.9.0', true],
    ['24.5.0', true],
    ['24.4.1', false],
    ['22.21.0', true],
    ['22.20.0', false],
    ['25.0.0', true],
  ])('Node %s can tunnel: %s', (version, expected) => {
    expect(agentsSupportProxy(version)).toBe(expected);
  });

  it('fails rather than going around a proxy on a Node that cannot use one', () => {
    expect(() => proxyAgentOptions({ HTTPS_PROXY: 'http://u:pw@proxy:3128' }, '24.4.1')).toThrow(
      'A proxy is set (HTTPS_PROXY) but Node 24.4.1 cannot tunnel through one: run on Node 24.5 or later',
    );
    expect(proxyAgentOptions({}, '24.4.1')).toEqual({});
  });
});
