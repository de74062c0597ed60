/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
export const NOTIFICATION_HEARTBEAT_MS = 25_000;
/** Streams one user may hold open on one instance (tabs, devices). */
export const NOTIFICATION_STREAMS_PER_USER = 5;
/** Items a reconnect with `Last-Event-ID` gets back at most. */
export const NOTIFICATION_REPLAY_LIMIT = 50;
