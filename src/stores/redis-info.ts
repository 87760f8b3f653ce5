import net from 'node:net';
import type { StoreMemory } from './store-backend.js';

/** A store that does not answer this fast is read as "cannot say", not waited for. */
const INFO_TIMEOUT_MS = 2000;

/** One RESP command as an array of bulk strings (a password is sent whatever it holds). */
function command(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/**
 * Reads `replies` RESP replies (simple strings, errors, integers, bulk strings) from `text`;
 * undefined while they are not all there yet.
 */
export function parseReplies(text: string, replies: number): (string | number | Error)[] | undefined {
  const out: (string | number | Error)[] = [];
  let at = 0;
  while (out.length < replies) {
    const end = text.indexOf('\r\n', at);
    if (end < 0) return undefined;
    const type = text[at];
    const line = text.slice(at + 1, end);
    if (type === '+') out.push(line);
    else if (type === '-') out.push(new Error(line));
    else if (type === ':') out.push(Number(line));
    else if (type === '$') {
      const length = Number(line);
      if (length < 0) out.push('');
      else {
        // Lengths are in bytes; the text is read as latin1, one character per byte.
        if (text.length < end + 2 + length + 2) return undefined;
        out.push(text.slice(end + 2, end + 2 + length));
        at = end + 2 + length + 2;
        continue;
      }
    } else return [new Error(`unexpected reply ${JSON.stringify(text.slice(at, at + 20))}`)];
    at = end + 2;
  }
  return out;
}

/**
 * What a Redis statebench started holds: `used_memory` from `INFO memory` (what Redis allocated
 * for its data and itself, the figure `maxmemory` is compared with) and the number of keys
 * (`DBSIZE`: one per session). Undefined when it does not answer in time.
 */
export function redisMemory(port: number, password: string | undefined): Promise<StoreMemory | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    const auth = password === undefined ? [] : [command(['AUTH', password])];
    const expected = auth.length + 2;
    const done = (memory: StoreMemory | undefined): void => {
      socket.destroy();
      resolve(memory);
    };
    socket.setTimeout(INFO_TIMEOUT_MS, () => done(undefined));
    socket.on('connect', () => socket.write([...auth, command(['INFO', 'memory']), command(['DBSIZE'])].join('')));
    socket.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
      const replies = parseReplies(reply, expected);
      if (replies === undefined) return;
      const [info, keys] = replies.slice(auth.length);
      const used = typeof info === 'string' ? /^used_memory:(\d+)\r?$/m.exec(info)?.[1] : undefined;
      done(used === undefined ? undefined : { bytes: Number(used), measure: 'used_memory (INFO memory)', ...(typeof keys === 'number' ? { sessions: keys } : {}) });
    });
    socket.on('error', () => done(undefined));
  });
}
