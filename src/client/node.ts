/**
 * `botgate/client/node`: what only Node can do for an agent — keep its key in a file
 * readable by its owner alone (0600), and keep each channel's last `seq` in a file so a
 * restarted process resumes where it stopped.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { type AgentKey, generateAgentKey, importAgentKey } from "./agent-keys.ts";
import type { SeqStore } from "./agent-link.ts";

/** The key file: the key plus, once registered, who it belongs to. */
export interface KeyFile {
  version: 1;
  public_key: string;
  private_key_pkcs8: string;
  user?: string;
  machine?: string;
}

function writePrivate(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, text, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** Creates a new key file (mode 0600); refuses to overwrite an existing one. */
export async function createKeyFile(path: string): Promise<AgentKey> {
  if (existsSync(path)) throw new Error(`${path} already exists; refusing to overwrite a key`);
  const key = await generateAgentKey();
  const file: KeyFile = { version: 1, public_key: key.publicKey, private_key_pkcs8: key.pkcs8 };
  writePrivate(path, `${JSON.stringify(file, null, 2)}\n`);
  return key;
}

/** Reads a key file; refuses one that others can read (like ssh does). */
export async function loadKeyFile(path: string): Promise<{ key: AgentKey; file: KeyFile }> {
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new Error(`${path} is readable by others; run: chmod 600 ${path}`);
  }
  const file = JSON.parse(readFileSync(path, "utf8")) as KeyFile;
  const key = await importAgentKey({ publicKey: file.public_key, pkcs8: file.private_key_pkcs8 });
  return { key, file };
}

/** Records the user and machine a key was registered as. */
export function saveIdentity(path: string, user: string, machine: string): void {
  const file = JSON.parse(readFileSync(path, "utf8")) as KeyFile;
  writePrivate(path, `${JSON.stringify({ ...file, user, machine }, null, 2)}\n`);
}

/** A `SeqStore` in a JSON file, rewritten atomically on every change. */
export class FileSeqStore implements SeqStore {
  readonly #path: string;
  readonly #seqs: Record<string, number>;

  constructor(path: string) {
    this.#path = path;
    this.#seqs = existsSync(path)
      ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, number>)
      : {};
  }

  get(key: string): number | undefined {
    return this.#seqs[key];
  }

  set(key: string, seq: number): void {
    this.#seqs[key] = seq;
    writePrivate(this.#path, JSON.stringify(this.#seqs));
  }
}
