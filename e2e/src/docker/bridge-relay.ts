import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dockerOk } from './docker-cli';

/** A TCP relay from a container network's gateway address to a server on this machine's loopback. */
export interface BridgeRelay {
  /** `http://<gateway>:<port>`: the target as the container reaches it. */
  readonly url: string;
  close(): Promise<void>;
}

/** The gateway of a container's network: this machine's address as the container sees it. */
export async function containerGateway(containerId: string): Promise<string> {
  const gateway = await dockerOk(['inspect', '--format', '{{.NetworkSettings.Gateway}}', containerId]);
  if (gateway === '') throw new Error(`Container ${containerId} has no network gateway.`);
  return gateway;
}

/**
 * Listens on the container's gateway address only (not on every interface), so it can reach a test
 * server that binds 127.0.0.1, such as the scripted LLM server; nothing beyond this machine and
 * its containers can.
 */
export async function startBridgeRelay(containerId: string, targetPort: number): Promise<BridgeRelay> {
  return startRelay(await containerGateway(containerId), targetPort);
}

/** A relay listening on `gateway` (an address of this machine on a container network) to `targetPort` on loopback. */
export async function startRelay(gateway: string, targetPort: number): Promise<BridgeRelay> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(targetPort, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      reject(new Error(`Cannot listen on the container's gateway ${gateway}: ${error.message}`));
    });
    server.listen(0, gateway, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${gateway}:${String(port)}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
