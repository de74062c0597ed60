'use strict';
// Runs in PasswordHasherService's worker threads (piscina), which run at a lower CPU priority
// than the event loop. bcrypt's synchronous API is used on purpose: it computes on this thread, so
// the lower priority applies; the asynchronous API would hand the work back to libuv's shared pool.
// Plain JavaScript because worker threads load it directly, in tests as in the build.
const { compareSync, hashSync } = require('bcrypt');

/** @param {{ op: 'hash', password: string, rounds: number } | { op: 'compare', password: string, hash: string }} task */
module.exports = function passwordHashingTask(task) {
  if (task.op === 'hash') return hashSync(task.password, task.rounds);
  return compareSync(task.password, task.hash);
};
