/**
 * A gateway that is down for a while, as its clients see it: the ports they dial (cut
 * proxies in front of the runtime) stop listening — every socket is severed, every dial is
 * refused — while the runtime restarts (storage kept; in-memory state and sockets gone),
 * and they listen again on the same ports when the outage is over.
 */
import { type CutProxy, startCutProxy } from "./cut-proxy.ts";
import type { Gateway } from "./gateway.ts";

export interface OutageReport {
  /** Connections severed when the ports went down. */
  severed: number;
  /** How long the runtime restart took (it happens inside the outage). */
  restartMs: number;
}

/** Takes `proxies` down, restarts the runtime, and brings them back `ms` after the start. */
export async function outage(
  gateway: Gateway,
  proxies: readonly CutProxy[],
  ms: number,
): Promise<OutageReport> {
  const started = Date.now();
  const severed = (await Promise.all(proxies.map((proxy) => proxy.refuse()))).reduce(
    (a, b) => a + b,
    0,
  );
  await gateway.harness.update((current) => current);
  const restartMs = Date.now() - started;
  const left = started + ms - Date.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  await Promise.all(proxies.map((proxy) => proxy.accept()));
  return { severed, restartMs };
}

/** The address clients use: one proxy in front of the gateway that `outage` can take down. */
export interface FrontDoor {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `ws://127.0.0.1:<port>` + path. */
  wsUrl(path: string): string;
  proxy: CutProxy;
  /** The gateway is down for `ms` (and restarted meanwhile). */
  outage(ms: number): Promise<OutageReport>;
  close(): Promise<void>;
}

export async function startFrontDoor(gateway: Gateway): Promise<FrontDoor> {
  const proxy = await startCutProxy(gateway.url);
  return {
    origin: proxy.origin,
    wsUrl: (path) => new URL(path, proxy.origin).href.replace(/^http/, "ws"),
    proxy,
    outage: (ms) => outage(gateway, [proxy], ms),
    close: () => proxy.close(),
  };
}
