/**
 * A minimal partyserver room for the channel benchmarks. It answers a post the way a botgate
 * channel does (an ack to the sender, a message to everyone else) with an in-memory counter
 * and no storage, authentication, limits or presence: the floor botgate is compared against.
 * It also answers the frames of botgate's handshake (`handshake`), for the idle sockets
 * suite. Plain JavaScript so the main TypeScript projects, which do not load partyserver's
 * types, never type-check it.
 */
import { routePartykitRequest, Server } from "partyserver";

export class Room extends Server {
  /** Hibernation on, as in botgate: connections live in the runtime, not in memory. */
  static options = { hibernate: true };
  seq = 0;

  onMessage(connection, message) {
    const post = JSON.parse(String(message));
    if (post.type === "hello" || post.type === "auth") {
      this.handshake(connection, post);
      return;
    }
    this.seq += 1;
    const ts = Date.now();
    connection.send(JSON.stringify({ type: "ack", id: post.id, seq: this.seq, ts }));
    this.broadcast(
      JSON.stringify({
        type: "message",
        seq: this.seq,
        ts,
        from: connection.id,
        payload: post.payload,
      }),
      [connection.id],
    );
  }

  /**
   * The frames of botgate's channel handshake, same sizes, no cryptography or storage:
   * `hello` is answered with a `challenge`, `auth` with `established`, `caught_up` and
   * `presence` (the idle sockets suite's "served as botgate" room, so both servers' sockets
   * carry the same frames).
   */
  handshake(connection, frame) {
    if (frame.type === "hello") {
      const nonce = crypto.randomUUID().replaceAll("-", "").padEnd(43, "0");
      connection.send(JSON.stringify({ type: "challenge", nonce, server_id: "partyserver" }));
      return;
    }
    const path = `${frame.user}/${frame.machine}/${connection.id.slice(0, 8)}`;
    const channel = { name: this.name, visibility: "public", topic: "" };
    connection.send(JSON.stringify({ type: "established", path, admin: false, channel, seq: 0 }));
    connection.send(JSON.stringify({ type: "caught_up", seq: 0, gap: false }));
    connection.send(JSON.stringify({ type: "presence", joined: [path], left: [], version: 1 }));
  }
}

/** The same room with partyserver's default: connections held in memory, no hibernation. */
export class MemoryRoom extends Room {
  static options = { hibernate: false };
}

export default {
  async fetch(request, env) {
    return (await routePartykitRequest(request, env)) ?? new Response("Not found", { status: 404 });
  },
};
