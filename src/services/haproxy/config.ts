/** PURE. Names kroll's HAProxy config and the HAProxy chores share. */

/**
 * A process-wide HAProxy variable: set to 1 through the runtime API (`set var`, experimental
 * mode) on the HAProxy being replaced, it makes its HTTP frontends close each client connection
 * after the response. HAProxy 2.6 closes idle keep-alive connections at once when it soft-stops,
 * racing any client sending on one at that instant (2.7's `idle-close-on-response` fixes it).
 */
export const KEEPALIVE_CLOSE_VAR = "proc.kroll_close";
