import { app } from "./app";

export { ChannelObject } from "./channels/channel-object";
export { InboxObject } from "./channels/inbox-object";

export default app satisfies ExportedHandler<Env>;
