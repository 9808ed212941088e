// Real Yjs clients (yjs + y-websocket over the `ws` package) against a running Maillage.
// Driven by tests/documents/test_yjs_clients.py and bench/documents.py; one JSON line out.
//
//   node clients.mjs '<json>'   with {mode, servers: ["ws://127.0.0.1:8201", …], document,
//                                      cookies: ["sessionid=…", …], origin, seed, path, …}
//   (`path`: the socket route, /ws/documents by default; the room is the document's id)
//
// Modes:
// - fuzz: clients make random edits with random disconnects and reconnections (editing on
//   while offline), then all reconnect; prints every client's final text.
// - load: one client syncs and prints the text it loaded.
// - write: one client types `text` once synced, waits `wait_ms` (reading stdin lines
//   "go" first if `wait_for_go`), and prints the close code it got, if any, and its text.
// - bench: `clients` clients, each sending `rate` updates a second for `seconds`; prints
//   the relay latencies (ms) measured by the other clients.
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

const options = JSON.parse(process.argv[2]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A deterministic random sequence (mulberry32), so a failing run can be replayed.
let seed = options.seed >>> 0 || 1;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function socketClass(cookie) {
  return class extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, { headers: { Cookie: cookie, Origin: options.origin } });
    }
  };
}

function client(index, { connect = true } = {}) {
  const doc = new Y.Doc();
  const server = options.servers[index % options.servers.length];
  const provider = new WebsocketProvider(`${server}${options.path || "/ws/documents"}`, String(options.document), doc, {
    WebSocketPolyfill: socketClass(options.cookies[index % options.cookies.length]),
    disableBc: true,
    connect,
    maxBackoffTime: 500,
  });
  const state = { doc, provider, text: doc.getText("text"), closes: [] };
  provider.on("connection-close", (event) => {
    if (event) state.closes.push(event.code);
  });
  return state;
}

function synced(state) {
  return new Promise((resolve) => {
    if (state.provider.synced) resolve();
    else state.provider.once("sync", (isSynced) => isSynced && resolve());
  });
}

async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Positions are in UTF-16 code units, as in Yjs: never between the halves of an emoji (an
// editor never puts the caret there; a lone half would not survive UTF-8 on the server).
function boundary(string, at) {
  const code = string.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

function randomEdit(state, index) {
  const text = state.text;
  const length = text.length;
  const string = text.toString();
  if (length > 20 && random() < 0.3) {
    const at = boundary(string, Math.floor(random() * (length - 1)));
    const end = boundary(string, at + 1 + Math.floor(random() * Math.min(5, length - at - 1)));
    if (end > at) text.delete(at, end - at);
  } else {
    const at = boundary(string, Math.floor(random() * (length + 1)));
    const words = ["le ", "la ", "réseau ", "EPN ", "atelier ", "médiation ", "🙂 ", "\n"];
    text.insert(at, `${index}:${words[Math.floor(random() * words.length)]}`);
  }
}

async function fuzz() {
  const count = options.clients || 5;
  const clients = Array.from({ length: count }, (_, i) => client(i));
  await withTimeout(Promise.all(clients.map(synced)), 20000, "first sync");
  const rounds = options.rounds || 200;
  for (let round = 0; round < rounds; round += 1) {
    const index = Math.floor(random() * count);
    const state = clients[index];
    const roll = random();
    if (roll < 0.04 && state.provider.shouldConnect) {
      state.provider.disconnect();
    } else if (roll < 0.1 && !state.provider.shouldConnect) {
      state.provider.connect();
    } else {
      randomEdit(state, index);
    }
    await sleep(Math.floor(random() * (options.pause_ms ?? 15)));
  }
  for (const state of clients) if (!state.provider.shouldConnect) state.provider.connect();
  await withTimeout(Promise.all(clients.map(synced)), 20000, "final sync");
  // Converged when every client holds the same text for a while.
  const deadline = Date.now() + (options.converge_ms || 20000);
  let texts = clients.map((s) => s.text.toString());
  while (Date.now() < deadline) {
    texts = clients.map((s) => s.text.toString());
    if (texts.every((t) => t === texts[0])) {
      await sleep(300);
      const again = clients.map((s) => s.text.toString());
      if (again.every((t) => t === texts[0])) break;
    }
    await sleep(200);
  }
  for (const state of clients) state.provider.destroy();
  return { texts, closes: clients.map((s) => s.closes) };
}

async function load() {
  const state = client(0);
  await withTimeout(synced(state), 20000, "sync");
  await sleep(200);
  const text = state.text.toString();
  state.provider.destroy();
  return { text };
}

async function readLine() {
  return new Promise((resolve) => {
    process.stdin.once("data", (data) => resolve(data.toString()));
  });
}

async function write() {
  const state = client(0);
  await withTimeout(synced(state), 20000, "sync");
  if (options.wait_for_go) {
    console.log(JSON.stringify({ ready: true }));
    await readLine();
  }
  state.provider.shouldConnect = false; // see what the server does, without reconnecting
  state.text.insert(state.text.length, options.text);
  await sleep(options.wait_ms || 1500);
  const result = { closes: state.closes, text: state.text.toString() };
  state.provider.destroy();
  return result;
}

async function bench() {
  const count = options.clients;
  const clients = Array.from({ length: count }, (_, i) => client(i));
  await withTimeout(Promise.all(clients.map(synced)), 30000, "sync");
  // Measured: the busy room, not the joins (the same pause before either server's run).
  await sleep(options.settle_ms ?? 1000);
  const latencies = [];
  const now = () => performance.now() + performance.timeOrigin;
  // Stamps loaded with the document (an earlier run's) are not arrivals.
  const started = now();
  // Each update carries its send time in a map entry; the others note when it arrives.
  clients.forEach((state, index) => {
    state.doc.getMap("stamps").observe((event) => {
      if (event.transaction.origin !== state.provider) return;
      for (const key of event.keysChanged) {
        const sent = state.doc.getMap("stamps").get(key);
        if (typeof sent === "number" && sent >= started && !key.startsWith(`${index}:`)) {
          latencies.push(Math.round((performance.now() + performance.timeOrigin - sent) * 100) / 100);
        }
      }
    });
  });
  const interval = 1000 / options.rate;
  const end = Date.now() + options.seconds * 1000;
  await Promise.all(
    clients.map(async (state, index) => {
      await sleep(random() * interval);
      let n = 0;
      while (Date.now() < end) {
        state.doc.transact(() => {
          state.text.insert(state.text.length, "x");
          state.doc.getMap("stamps").set(`${index}:${n % 4}`, performance.now() + performance.timeOrigin);
        });
        n += 1;
        await sleep(interval);
      }
    }),
  );
  await sleep(1500);
  for (const state of clients) state.provider.destroy();
  return { latencies };
}

// Exits once the line is written: a pipe takes large results in several writes.
function finish(result, code) {
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(code));
}

const modes = { fuzz, load, write, bench };
try {
  finish(await modes[options.mode](), 0);
} catch (error) {
  finish({ error: String(error) }, 1);
}
