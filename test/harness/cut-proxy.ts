/**
 * A loopback TCP proxy in front of the gateway that injects network faults as a client
 * sees them. It can sever every connection through it at once, or one of them, without a
 * close handshake (a network cut); delay every chunk of one connection in both directions
 * (latency, order kept), or of the next one to open from its first byte; or hold one
 * connection's traffic for a while and then release it (a stall, as a congested or briefly
 * partitioned link); or take its port down for a while (an outage: every connection
 * severed, every dial refused). Clients that cannot be reached from a test (the SDK's own
 * sockets) are faulted this way. Each connection is labelled with the path of its HTTP
 * request line, so a test can pick, say, a match socket.
 */

import type { AddressInfo } from "node:net";
import { connect, createServer, type Socket } from "node:net";

/** One connection through the proxy. */
export interface ProxiedConnection {
  id: number;
  /** Request path of the upgrade (`""` until the client's first bytes arrived). */
  path: string;
  openedAt: number;
}

export interface CutProxy {
  /** `http://127.0.0.1:<proxy port>` */
  origin: string;
  /** Destroys every open connection through the proxy; new ones are still accepted. */
  cutAll(): number;
  /** Open connections, oldest first. */
  connections(): ProxiedConnection[];
  /** Destroys one connection (both sides, no close handshake). False if it is gone. */
  cut(id: number): boolean;
  /** Delays every later chunk of the connection by `ms` in both directions; 0 stops it. */
  delay(id: number, ms: number): boolean;
  /**
   * Delays every chunk of the next connection to open by `ms` in both directions, from its
   * first byte (its upgrade request included); later connections are not delayed.
   */
  delayNext(ms: number): void;
  /** Holds the connection's traffic for `ms`, then releases it in order. */
  stall(id: number, ms: number): boolean;
  /**
   * Takes the port down: every connection is severed and new ones are refused (the port
   * stops listening), as when the gateway's process is gone. `accept()` brings it back.
   */
  refuse(): Promise<number>;
  /** Listens again on the same port after `refuse()`. */
  accept(): Promise<void>;
  close(): Promise<void>;
}

/** One direction of a connection: chunks wait here while a delay or a stall applies. */
interface Lane {
  from: Socket;
  to: Socket;
  queue: { chunk: Buffer; at: number }[];
  timer: NodeJS.Timeout | null;
  /** The sender finished: end the other side once the queue has drained. */
  ended: boolean;
}

interface Connection extends ProxiedConnection {
  client: Socket;
  upstream: Socket;
  delayMs: number;
  heldUntil: number;
  lanes: Lane[];
  /** One side has closed: the connection goes once nothing is left in flight. */
  closing: boolean;
}

export async function startCutProxy(target: URL): Promise<CutProxy> {
  const open = new Map<number, Connection>();
  let nextId = 1;
  let nextDelayMs = 0;

  const settle = (conn: Connection) => {
    if (conn.closing && conn.lanes.every((lane) => lane.queue.length === 0)) destroy(conn);
  };

  const pump = (conn: Connection, lane: Lane) => {
    lane.timer = null;
    const now = Date.now();
    while (lane.queue.length > 0 && (lane.queue[0]?.at ?? 0) <= now) {
      const head = lane.queue.shift();
      if (head && !lane.to.destroyed) lane.to.write(head.chunk);
    }
    const head = lane.queue[0];
    if (head) {
      lane.timer = setTimeout(() => pump(conn, lane), Math.max(1, head.at - now));
      return;
    }
    if (lane.ended) lane.to.end();
    settle(conn);
  };

  const forward = (conn: Connection, lane: Lane, chunk: Buffer) => {
    const now = Date.now();
    const last = lane.queue[lane.queue.length - 1]?.at ?? 0;
    const at = Math.max(now + conn.delayMs, conn.heldUntil, last);
    if (at <= now && lane.queue.length === 0) {
      lane.to.write(chunk);
      return;
    }
    lane.queue.push({ chunk, at });
    if (lane.timer === null) lane.timer = setTimeout(() => pump(conn, lane), Math.max(1, at - now));
  };

  const destroy = (conn: Connection) => {
    if (!open.delete(conn.id)) return;
    for (const lane of conn.lanes) if (lane.timer) clearTimeout(lane.timer);
    conn.client.destroy();
    conn.upstream.destroy();
  };

  // Half-open sockets, so a FIN travels behind the data still delayed in its lane.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({
      port: Number(target.port),
      host: target.hostname,
      allowHalfOpen: true,
    });
    const conn: Connection = {
      id: nextId++,
      path: "",
      openedAt: Date.now(),
      client,
      upstream,
      delayMs: nextDelayMs,
      heldUntil: 0,
      lanes: [],
      closing: false,
    };
    conn.lanes = [
      { from: client, to: upstream, queue: [], timer: null, ended: false },
      { from: upstream, to: client, queue: [], timer: null, ended: false },
    ];
    nextDelayMs = 0;
    open.set(conn.id, conn);
    for (const lane of conn.lanes) {
      lane.from.on("data", (chunk: Buffer) => {
        if (conn.path === "" && lane.from === client) {
          conn.path = /^[A-Z]+ (\S+) HTTP/.exec(chunk.toString("latin1", 0, 512))?.[1] ?? "?";
        }
        forward(conn, lane, chunk);
      });
      lane.from.on("end", () => {
        lane.ended = true;
        if (lane.queue.length === 0) lane.to.end();
      });
      lane.from.on("error", () => destroy(conn));
      lane.from.on("close", () => {
        conn.closing = true;
        settle(conn);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    cutAll() {
      const count = open.size;
      for (const conn of [...open.values()]) destroy(conn);
      return count;
    },
    connections: () => [...open.values()].map(({ id, path, openedAt }) => ({ id, path, openedAt })),
    cut(id) {
      const conn = open.get(id);
      if (!conn) return false;
      destroy(conn);
      return true;
    },
    delay(id, ms) {
      const conn = open.get(id);
      if (!conn) return false;
      conn.delayMs = Math.max(0, ms);
      return true;
    },
    delayNext(ms) {
      nextDelayMs = Math.max(0, ms);
    },
    stall(id, ms) {
      const conn = open.get(id);
      if (!conn) return false;
      conn.heldUntil = Math.max(conn.heldUntil, Date.now() + ms);
      return true;
    },
    refuse: () =>
      new Promise((resolve) => {
        const count = open.size;
        server.close(() => resolve(count));
        for (const conn of [...open.values()]) destroy(conn);
      }),
    accept: () => new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve())),
    close: () =>
      new Promise((resolve) => {
        for (const conn of [...open.values()]) destroy(conn);
        server.close(() => resolve());
      }),
  };
}
