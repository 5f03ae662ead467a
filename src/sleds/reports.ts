/** What a sled tells operators (through the hub reporter): its presence, approvals, node events. */
import { type HubEnv, reportEvent, reportPresence } from "../operators/hub-reporter.ts";
import { sledPresence } from "../operators/presence-kinds.ts";
import { requestedEvent, resolvedEvent } from "./approval-views.ts";
import type { ApprovalRecord } from "./approvals.ts";
import type { ApprovalsChannelPoster } from "./approvals-channel.ts";

export function reportOnline(env: HubEnv, project: string, since: number): void {
  reportPresence(env, { ...sledPresence(project, since), at: since });
  reportEvent(env, {
    event: "node.presence",
    payload: { nodeId: project, connected: true, ts: since },
    at: since,
  });
}

export function reportOffline(env: HubEnv, project: string, at: number, reason: string): void {
  reportPresence(env, { instanceId: sledPresence(project, at).instanceId, gone: true, at });
  reportEvent(env, {
    event: "node.presence",
    payload: { nodeId: project, connected: false, ts: at, reason },
    at,
  });
}

/** A new request: to operators, and posted to the project's approvals channel. */
export function reportRequested(
  env: HubEnv,
  channel: ApprovalsChannelPoster,
  record: ApprovalRecord,
): void {
  reportEvent(env, {
    event: "exec.approval.requested",
    payload: requestedEvent(record),
    urgent: true,
  });
  channel.requested(record);
}

/** Resolutions, however they came: to operators, and to the project's approvals channel. */
export function reportResolved(
  env: HubEnv,
  channel: ApprovalsChannelPoster,
  records: readonly ApprovalRecord[],
): void {
  for (const record of records) {
    reportEvent(env, { event: "exec.approval.resolved", payload: resolvedEvent(record) });
  }
  channel.resolved(records);
}
