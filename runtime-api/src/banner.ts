import { RUNTIME_API_KEY_HEADER } from '@handoff/protocol';
import type { ProviderConfig } from './config';

/** What the startup banner shows. */
export interface BannerInfo {
  url: string;
  provider: ProviderConfig;
  /** Set only when the key was generated for this run: the banner is then the one place it is shown. */
  generatedApiKey: string | undefined;
  /** False when the server listens on more than loopback. */
  loopbackOnly: boolean;
  /** Ready sandboxes kept warm per profile; the line is left out when absent. */
  warmPoolSize?: number;
}

/** The human-readable startup banner, written once to stderr. */
export function startupBanner(info: BannerInfo): string {
  const { url, provider, generatedApiKey, loopbackOnly, warmPoolSize } = info;
  const lines = [
    'Handoff runtime-api',
    `  listening   ${url}`,
    `  provider    ${provider.type} (at most ${provider.maxSandboxes} sandboxes)`,
  ];
  if (warmPoolSize !== undefined)
    lines.push(
      `  warm pool   ${warmPoolSize === 0 ? 'off (every start is cold)' : `${warmPoolSize} ready (HANDOFF_WARM_POOL_SIZE)`}`,
    );
  if (provider.type === 'process') {
    lines.push(
      `  sandboxes   ${provider.sandboxRoot}`,
      '  WARNING     the process provider does not isolate sandboxes: agents run as this user, on this machine.',
    );
  }
  if (!loopbackOnly)
    lines.push(
      '  WARNING     listening beyond loopback: anyone who can reach this port and has the key can run code here.',
    );
  if (generatedApiKey === undefined) {
    lines.push(`  API key     from HANDOFF_RUNTIME_API_KEY; send it as ${RUNTIME_API_KEY_HEADER}`);
  } else {
    lines.push(
      `  API key     generated for this run (set HANDOFF_RUNTIME_API_KEY to choose one); send it as ${RUNTIME_API_KEY_HEADER}:`,
      `              ${generatedApiKey}`,
    );
  }
  const width = Math.max(...lines.map((line) => line.length)) + 2;
  const rule = '='.repeat(width);
  return `${[rule, ...lines, rule].join('\n')}\n`;
}

/** The base URL for a host and port (IPv6 hosts in brackets). */
export function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Whether a bind address is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
