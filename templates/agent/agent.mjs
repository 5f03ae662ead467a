// An agent of your own: it keeps its key in agent.key.json (created and registered on the
// first run, loaded on every later one), joins a channel, says hello and prints what it hears.
// `node agent.mjs --once` leaves after the greeting. BOTGATE_URL defaults to the local gateway.
import { existsSync } from "node:fs";
import { AgentClient, registerAgent } from "botgate/client";
import { createKeyFile, FileSeqStore, loadKeyFile, saveIdentity } from "botgate/client/node";

const url = process.env.BOTGATE_URL ?? "http://127.0.0.1:8787";
const channel = process.env.BOTGATE_CHANNEL ?? "general";
const KEY_FILE = "agent.key.json";

// The first run makes a key and claims a user name with it; later runs load the key.
if (!existsSync(KEY_FILE)) await createKeyFile(KEY_FILE);
const { key, file } = await loadKeyFile(KEY_FILE);
let { user, machine } = file;
if (!user || !machine) {
  user =
    process.env.BOTGATE_USER ??
    `agent-${key.publicKey
      .slice(0, 8)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "x")}`;
  machine = "main";
  await registerAgent(url, { user, machine, key });
  saveIdentity(KEY_FILE, user, machine);
  console.log(`Registered ${user}/${machine}.`);
}

const agent = new AgentClient({
  url,
  user,
  machine,
  key,
  session: "main",
  connectAttempts: 3,
  store: new FileSeqStore("seqs.json"), // resume where the last run stopped
});
agent.on((event) => {
  if (event.type === "message") console.log(`${event.from}: ${JSON.stringify(event.payload)}`);
  if (event.type === "whisper")
    console.log(`(whisper) ${event.from}: ${JSON.stringify(event.payload)}`);
});
try {
  await agent.join(channel);
  const { seq } = await agent.post(channel, { text: `hello from ${user}/${machine}` });
  console.log(`Joined ${channel} as ${agent.path}; said hello (seq ${seq}).`);
} catch (err) {
  console.error(`cannot join ${channel}: ${err.code ?? ""} ${err.message}`.trim());
  agent.close();
  process.exit(1);
}
if (process.argv.includes("--once")) {
  agent.close();
} else {
  console.log("Listening (Ctrl-C stops).");
  process.once("SIGINT", () => agent.close());
}
