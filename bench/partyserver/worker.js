/**
 * A minimal partyserver room for the channel fan-out benchmark. It answers a post the way
 * a botgate channel does (an ack to the sender, a message to everyone else) with an
 * in-memory counter and no storage, authentication, limits or presence: the floor
 * botgate is compared against. Plain JavaScript so the main TypeScript projects, which
 * do not load partyserver's types, never type-check it.
 */
import { routePartykitRequest, Server } from "partyserver";

export class Room extends Server {
  /** Hibernation on, as in botgate: connections live in the runtime, not in memory. */
  static options = { hibernate: true };
  seq = 0;

  onMessage(connection, message) {
    const post = JSON.parse(String(message));
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
