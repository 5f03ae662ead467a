/**
 * A loopback TCP proxy in front of the gateway that can sever every connection through
 * it at once, without a close handshake — a network cut as the client sees it. Clients
 * that cannot be reached from a test (the SDK's own sockets) are cut this way.
 */

import type { AddressInfo } from "node:net";
import { connect, createServer, type Socket } from "node:net";

export interface CutProxy {
  /** `http://127.0.0.1:<proxy port>` */
  origin: string;
  /** Destroys every open connection through the proxy; new ones are still accepted. */
  cutAll(): number;
  close(): Promise<void>;
}

export async function startCutProxy(target: URL): Promise<CutProxy> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(a);
      a.pipe(b);
      a.on("error", () => b.destroy());
      a.on("close", () => {
        open.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    cutAll() {
      const count = open.size;
      for (const socket of open) socket.destroy();
      return count;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
