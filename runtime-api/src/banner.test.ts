import { describe, expect, it } from 'vitest';
import { baseUrl, isLoopback, startupBanner } from './banner';
import type { ProcessProviderConfig } from './config';

const provider: ProcessProviderConfig = {
  type: 'process',
  sandboxRoot: '/tmp/handoff-sandboxes',
  actionServerEntry: '/a.js',
  agentServerEntry: '/b.js',
  maxSandboxes: 8,
  startTimeoutMs: 30_000,
  inheritedEnv: {},
};

describe('startupBanner', () => {
  it('shows the URL, the provider, the isolation warning and a generated key', () => {
    const banner = startupBanner({
      url: 'http://127.0.0.1:3000',
      provider,
      generatedApiKey: 'generated-key',
      loopbackOnly: true,
    });
    expect(banner).toContain('http://127.0.0.1:3000');
    expect(banner).toContain('/tmp/handoff-sandboxes');
    expect(banner).toContain('does not isolate sandboxes');
    expect(banner).toContain('generated-key');
    expect(banner).toContain('X-API-Key');
    expect(banner).not.toContain('beyond loopback');
  });

  it('only says where the key comes from when it was configured', () => {
    const banner = startupBanner({
      url: 'http://0.0.0.0:3000',
      provider,
      generatedApiKey: undefined,
      loopbackOnly: false,
    });
    expect(banner).toContain('from HANDOFF_RUNTIME_API_KEY');
    expect(banner).toContain('beyond loopback');
  });
});

describe('baseUrl / isLoopback', () => {
  it('brackets IPv6 hosts and recognises loopback', () => {
    expect(baseUrl('::1', 3000)).toBe('http://[::1]:3000');
    expect(baseUrl('127.0.0.1', 0)).toBe('http://127.0.0.1:0');
    expect([
      isLoopback('127.0.0.1'),
      isLoopback('localhost'),
      isLoopback('::1'),
      isLoopback('0.0.0.0'),
    ]).toEqual([true, true, true, false]);
  });
});
