// Proves `botgate mcp`'s options: flags are normalised into the host configuration that
// `--print-config` prints (this Node, this entry, absolute paths, the token's file but never
// the token), and bad values are usage errors that say what is expected.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../../src/cli/config.ts";
import { DEFAULT_TURN_TIMEOUT_MS, hostConfig, parseMcpArgs } from "../../../src/mcp/options.ts";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe("botgate mcp options", () => {
  it("prints a host configuration with absolute paths and the token file, never the token", () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-opt-"));
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "cz_extbot_secret");
    process.env.BOTGATE_TOKEN_FILE = tokenFile;
    process.env.BOTGATE_TOKEN = "cz_extbot_secret";
    const command = parseMcpArgs([
      "--url",
      "ws://127.0.0.1:8787/",
      "--url",
      "https://gate.example/x",
      "--key",
      "rel/key.json",
      "--channel",
      "general",
      "--bot-id",
      "b1",
    ]);
    const config = hostConfig(command, process.argv[1] ?? "");
    const text = JSON.stringify(config);
    expect(text).not.toContain("cz_extbot_secret");
    expect(config).toEqual({
      mcpServers: {
        botgate: {
          command: process.execPath,
          args: [
            expect.stringMatching(/^\//),
            "mcp",
            "--url",
            "http://127.0.0.1:8787",
            "--url",
            "https://gate.example",
            "--key",
            join(process.cwd(), "rel/key.json"),
            "--session",
            "mcp",
            "--channel",
            "general",
            "--bot-id",
            "b1",
          ],
          env: { BOTGATE_TOKEN_FILE: tokenFile },
        },
      },
    });
  });

  it("refuses bad values with what is expected", () => {
    for (const [args, message] of [
      [["--url", "not a url"], /is not a URL/],
      [["--url", "ftp://x"], /use http\(s\):\/\/ or ws\(s\):\/\//],
      [["--session", "Bad"], /--session: 1–64 lowercase/],
      [["--user", "A B"], /--user: 1–32 lowercase/],
      [
        ["--turn-timeout-ms", "500"],
        /--turn-timeout-ms takes a whole number of ms from 1000 to 600000/,
      ],
      [["--wait-ms", "x"], /--wait-ms takes/],
    ] as const) {
      expect(() => parseMcpArgs([...args])).toThrow(message);
    }
    expect(() => parseMcpArgs(["--nope"])).toThrow(/Unknown option/);
  });

  it("needs a token with a bot id, a bot id with a token, and a key or a bot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-opt-"));
    const log = () => {};
    delete process.env.BOTGATE_TOKEN;
    delete process.env.BOTGATE_TOKEN_FILE;
    delete process.env.BOTGATE_BOT_ID;
    await expect(
      parseMcpArgs(["--key", join(dir, "k"), "--bot-id", "b"]).build(log),
    ).rejects.toThrow(/--bot-id needs the bot token in BOTGATE_TOKEN or BOTGATE_TOKEN_FILE/);
    await expect(parseMcpArgs(["--key", join(dir, "k")]).build(log)).rejects.toThrow(UsageError);
    process.env.BOTGATE_TOKEN = "t";
    await expect(parseMcpArgs(["--key", join(dir, "k")]).build(log)).rejects.toThrow(
      /name the bot with --bot-id/,
    );
    const poker = await parseMcpArgs(["--key", join(dir, "k"), "--bot-id", "b"]).build(log);
    expect(poker).toMatchObject({
      agent: null,
      poker: { botId: "b", token: "t", turnTimeoutMs: DEFAULT_TURN_TIMEOUT_MS },
    });
    delete process.env.BOTGATE_TOKEN;
    const open = join(dir, "open.json");
    writeFileSync(open, "{}");
    chmodSync(open, 0o644);
    await expect(parseMcpArgs(["--key", open]).build(log)).rejects.toThrow(/readable by others/);
  });
});
