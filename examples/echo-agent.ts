/**
 * An example agent: joins a channel, answers every message with an echo, and answers
 * whispers too. On its first run it creates its key (a 0600 file under .botgate/) and
 * registers itself; later runs resume where they stopped, so no message is answered twice.
 *
 *   npm run example:agent            (with `npm start` running; the channel defaults to "general")
 *   BOTGATE_URL=… CHANNEL=… npm run example:agent
 */
import { existsSync } from "node:fs";
import { AgentClient, HttpError, registerAgent } from "botgate/client";
import { createKeyFile, FileSeqStore, loadKeyFile } from "botgate/client/node";

const url = process.env.BOTGATE_URL ?? "http://127.0.0.1:8787";
const channel = process.env.CHANNEL ?? "general";
const keyPath = ".botgate/echo-agent.key.json";
const [user, machine, session] = ["echo", "example", "main"];

if (!existsSync(keyPath)) await createKeyFile(keyPath);
const { key } = await loadKeyFile(keyPath);
try {
  await registerAgent(url, { user, machine, key });
  console.log(`Registered ${user}/${machine}.`);
} catch (err) {
  // 409: registered on an earlier run — the key file is the proof of identity from now on.
  if (!(err instanceof HttpError && err.status === 409)) throw err;
}

const agent = new AgentClient({
  url,
  user,
  machine,
  key,
  session,
  store: new FileSeqStore(".botgate/echo-agent.seqs.json"),
});
agent.on((event) => {
  if (event.type === "message") {
    console.log(`${event.from}: ${JSON.stringify(event.payload)}`);
    agent
      .post(channel, { text: `echo: ${JSON.stringify(event.payload)}` })
      .catch((err: Error) => console.error(err.message));
  } else if (event.type === "whisper") {
    agent
      .whisper(event.from, { text: `you whispered ${JSON.stringify(event.payload)}` })
      .catch(() => {});
  } else if (event.type === "closed") {
    console.error(`closed by the server: ${event.code} ${event.reason}`);
    process.exit(1);
  }
});
await agent.join(channel);
await agent.openInbox();
console.log(`${agent.path} is echoing in ${channel}. Ctrl-C to stop.`);
process.once("SIGINT", () => {
  agent.close();
  process.exit(0);
});
