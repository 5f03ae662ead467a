/**
 * The sled invariants of a chaos run (pure): what the sleds saw against what their objects
 * stored and what the operator was told.
 *
 * Approvals: every request is answered at most once, only on the uplink that asked, with the
 * recorded outcome; none is left pending; a request whose uplink dropped is never answered
 * later; an operator's answer is applied at most once per approval, and a refused one carries
 * the recorded outcome. MCP relay: every call ends with the tool's own answer or one of the
 * documented errors — never a hang, a server error or another call's answer.
 */
import { RELAY_ERRORS } from "../../src/sleds/mcp-answer.ts";
import { Tally, type Verdict } from "./invariants.ts";
import type { SledCall, SledEvidence } from "./sleds.ts";

/** The JSON-RPC errors botgate answers with when the sled cannot (docs/sleds.md). */
const RELAY_ERROR_CODES: readonly number[] = Object.values(RELAY_ERRORS);

const key = (project: string, reqId: string) => `${project}/${reqId}`;

export function checkApprovals(e: SledEvidence): Verdict {
  const t = new Tally();
  t.declare(
    "approvals asked",
    "answered on their uplink",
    "cancelled with their uplink",
    "decided as their uplink dropped (answer lost; the sled denies it itself)",
    "lost with their uplink before they were recorded",
    "operator answers applied",
    "operator answers refused with the recorded outcome",
  );
  const stored = new Map(e.stored.map((row) => [key(row.project, row.req_id), row]));
  const answers = new Map<string, SledEvidence["answers"]>();
  for (const answer of e.answers) {
    const k = key(answer.project, answer.reqId);
    answers.set(k, [...(answers.get(k) ?? []), answer]);
  }
  const asked = new Set<string>();
  for (const ask of e.asks) {
    const k = key(ask.project, ask.reqId);
    asked.add(k);
    t.add("approvals asked");
    const got = answers.get(k) ?? [];
    const row = stored.get(k);
    const open = e.openAtEnd.has(`${ask.project}#${ask.uplink}`);
    if (got.length > 1) t.fail(`${k} answered ${got.length} times`);
    for (const answer of got) {
      if (answer.uplink !== ask.uplink) {
        t.fail(`${k} asked on uplink ${ask.uplink}, answered on uplink ${answer.uplink}`);
      }
    }
    if (!row) {
      if (got.length > 0) t.fail(`${k} answered but never recorded`);
      else if (open) t.fail(`${k} asked on an uplink still open but never recorded`);
      else t.add("lost with their uplink before they were recorded");
      continue;
    }
    t.add(`recorded ${row.status}`);
    if (row.status === "pending") {
      t.fail(`${k} still pending after the run`);
      continue;
    }
    const answer = got[0];
    if (answer) {
      const approved = row.status === "allowed";
      const always = approved && row.decision === "allow-always";
      if (row.status === "cancelled") t.fail(`${k} recorded cancelled but answered`);
      else if (answer.approved !== approved || answer.alwaysAllow !== always) {
        t.fail(
          `${k} answered approved=${answer.approved} always_allow=${answer.alwaysAllow}, recorded ${row.status} ${row.decision}`,
        );
      } else t.add("answered on their uplink");
    } else if (open) {
      t.fail(`${k} recorded ${row.status} but never answered on its uplink, still open`);
    } else if (row.status === "cancelled") {
      t.add("cancelled with their uplink");
    } else {
      t.add("decided as their uplink dropped (answer lost; the sled denies it itself)");
      t.add(`  of which ${row.status}`);
    }
  }
  for (const [k, row] of stored) {
    if (!asked.has(k)) t.fail(`${k} recorded (${row.status}) but no sled asked it`);
  }
  const byId = new Map(e.stored.map((row) => [row.id, row]));
  const applied = new Map<string, number>();
  for (const resolve of e.resolves) {
    const row = byId.get(resolve.id);
    if (!row) {
      t.fail(`an operator answer for ${resolve.id}, which no sled object holds`);
      continue;
    }
    if (resolve.applied) {
      applied.set(resolve.id, (applied.get(resolve.id) ?? 0) + 1);
      const status = resolve.decision === "deny" ? "denied" : "allowed";
      if (row.decision !== resolve.decision || row.status !== status || row.reason !== "user") {
        t.fail(
          `${resolve.id}: ${resolve.decision} applied, recorded ${row.status} ${row.decision}`,
        );
      } else if (row.resolved_by !== "http:admin") {
        t.fail(`${resolve.id}: applied by http:admin, recorded by ${row.resolved_by}`);
      } else t.add("operator answers applied");
    } else if (resolve.status !== row.status || resolve.recordedDecision !== row.decision) {
      t.fail(
        `${resolve.id}: refused with ${resolve.status} ${resolve.recordedDecision}, recorded ${row.status} ${row.decision}`,
      );
    } else t.add("operator answers refused with the recorded outcome");
  }
  for (const [id, n] of applied) if (n > 1) t.fail(`${id}: ${n} operator answers applied`);
  return t.verdict(
    "sled approvals: answered at most once, on the asking uplink, as recorded; fail closed",
  );
}

export function checkRelay(calls: SledCall[]): Verdict {
  const t = new Tally();
  t.declare("relayed calls", "answered by the sled's tool", "hung");
  for (const call of calls) {
    t.add("relayed calls");
    const name = `${call.project} call ${call.id}`;
    if (call.outcome === "result") t.add("answered by the sled's tool");
    else if (call.outcome === "hang") {
      t.add("hung");
      t.fail(`${name} had no answer`);
    } else if (call.outcome === "pending") t.fail(`${name} never ended`);
    else if (call.outcome.startsWith("mismatch")) t.fail(`${name}: ${call.outcome}`);
    else if (call.outcome.startsWith("error ")) {
      const code = Number(call.outcome.slice(6));
      t.add(`answered ${call.outcome}`);
      if (!RELAY_ERROR_CODES.includes(code)) t.fail(`${name}: undocumented ${call.outcome}`);
    } else if (/^http (4\d\d|500)$/.test(call.outcome)) {
      t.add(`answered ${call.outcome}`);
      t.fail(`${name}: ${call.outcome}, not a JSON-RPC answer`);
    } else t.add(`answered ${call.outcome}`); // unreachable, 502–504: the runtime restarting
  }
  return t.verdict("sled MCP relay: every call answered by its tool or a documented error");
}
