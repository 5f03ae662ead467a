/**
 * A minimal socket.io room for the channel benchmarks, run as its own plain Node process on
 * loopback (forked by bench/rooms.ts, so its event loop and memory are its own, as workerd's
 * are). It answers a post the way a botgate channel does — an ack to the sender (socket.io's
 * acknowledgement callback), a `message` to everyone else in the room — with an in-memory
 * counter and no storage, authentication, limits or presence: the floor botgate is compared
 * against. WebSocket transport only, no compression (socket.io's default), no client bundle.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";

interface Post {
  id: string;
  payload: unknown;
}

const http = createServer();
const io = new Server(http, { transports: ["websocket"], serveClient: false });
const ROOM = "fanout";
let seq = 0;

io.on("connection", (socket) => {
  socket.join(ROOM);
  socket.on("post", (post: Post, ack: (reply: unknown) => void) => {
    seq += 1;
    const ts = Date.now();
    ack({ type: "ack", id: post.id, seq, ts });
    socket
      .to(ROOM)
      .emit("message", { type: "message", seq, ts, from: socket.id, payload: post.payload });
  });
});

http.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (http.address() as AddressInfo).port });
});
// The benchmark owns this process: when it goes (or disconnects), so does the room.
process.on("disconnect", () => process.exit(0));
