import type { Architecture } from './architecture.js';

export const cookie: Architecture = {
  name: 'cookie',
  help:
    'no server-side state: the whole session is an HMAC-SHA256-signed cookie (4 KiB limit, larger sessions are refused with 413); round robin. Concurrent tabs lose adds in the browser: the last Set-Cookie to arrive wins.',
  stateLives: "in the client's signed cookie",
  stateShort: 'sessions in a signed cookie',
  introduction: 'cookie keeps the whole session in a signed cookie the client carries',
  routing: 'round-robin',
  store: undefined,
  targetStore: 'cookie',
};
