#!/usr/bin/env node
// Three of the tutorial's recipes in Node.js, with the same command line,
// output lines and exit codes as the sockspec reference (python -m sockspec_reference):
//
//     node examples/node/sockspec-node.js echo-server [--host H] [--port P] [--idle-timeout S]
//     node examples/node/sockspec-node.js echo-client --port P --message M [--host H]
//                                                     [--encoding utf-8|gbk] [--timeout T]
//     node examples/node/sockspec-node.js sntp-time --server H [--port P] [--timeout T]
//
// Only Node's standard library is used.  Every failure is one line on stderr
// and an exit code (sockspec_reference/_exitcodes.py), never a stack trace.

'use strict';

const dgram = require('dgram');
const dns = require('dns');
const net = require('net');
const os = require('os');

const { STRERROR, GAI_ERRORS, uvName } = require('./cpython-errors');

const PROG = 'node examples/node/sockspec-node.js';

const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  ADDRESS: 3,
  CONNECTION: 4,
  SEND: 5,
  RECEIVE: 6,
  TIMEOUT: 7,
  SHORT_REPLY: 8,
  WRONG_MODE: 9,
  WRONG_ORIGINATE: 10,
  ZERO_TRANSMIT: 11,
  UNSYNCHRONISED: 12,
  KISS_OF_DEATH: 13,
  INTERRUPTED: 130,
};

const MEANINGS = {
  0: 'success (a server: stopped by SIGINT or SIGTERM)',
  1: 'the lookup or local socket operation failed (a one-line message says why)',
  2: 'usage error: bad or missing argument',
  3: 'address-related error: the host name did not resolve',
  4: 'connection error, e.g. connection refused',
  5: 'error sending data',
  6: 'error receiving data: reset, or closed before the reply was complete',
  7: 'a socket operation timed out',
  8: 'invalid SNTP reply: shorter than 48 bytes',
  9: 'invalid SNTP reply: mode is not 4 (server)',
  10: 'invalid SNTP reply: originate is not our transmit timestamp',
  11: 'invalid SNTP reply: transmit timestamp is zero',
  12: 'invalid SNTP reply: server clock unsynchronised (leap indicator 3)',
  13: "invalid SNTP reply: Kiss-o'-Death (stratum 0), kiss code named",
  130: 'a client interrupted by Ctrl-C',
};

const CLIENT_CODES = [0, 2, 3, 4, 5, 6, 7, 130];

// -- output and failures ------------------------------------------------------

function say(line) {
  try {
    process.stdout.write(`${line}\n`);
  } catch (e) {
    // whoever read stdout went away
  }
}

/** A recipe could not do its job: one line for the user, and an exit code. */
class Failure extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

function exitWith(code, message) {
  if (message !== undefined) {
    try {
      process.stderr.write(`${message}\n`);
    } catch (e) {
      // nothing left to tell
    }
  }
  process.exit(code);
}

// Nothing may end the program with a stack trace.
process.on('uncaughtException', (err) => {
  if (err instanceof Failure) exitWith(err.code, err.message);
  if (err && err.code === 'EPIPE' && err.syscall === 'write') exitWith(EXIT.FAILURE);
  exitWith(EXIT.FAILURE, `Unexpected error: ${err && err.message ? err.message : err}`);
});
process.on('unhandledRejection', (err) => {
  if (err instanceof Failure) exitWith(err.code, err.message);
  exitWith(EXIT.FAILURE, `Unexpected error: ${err && err.message ? err.message : err}`);
});
process.stdout.on('error', () => exitWith(EXIT.FAILURE));

// -- errors as CPython words them ---------------------------------------------

/** The last of several errors (Node's happy eyeballs gathers one per address tried). */
function lastError(err) {
  return err && Array.isArray(err.errors) && err.errors.length ? err.errors[err.errors.length - 1] : err;
}

/** Is this a name-resolution failure (Python's gaierror)? */
function isAddressError(err) {
  const e = lastError(err);
  const name = uvName(e && e.errno);
  return Boolean(e && ((name && name.startsWith('EAI_')) || e.syscall === 'getaddrinfo'));
}

/** An error as str() of the matching Python exception, e.g. "[Errno 111] Connection refused". */
function describe(err) {
  const e = lastError(err);
  if (!e || typeof e !== 'object') return String(e);
  const name = uvName(e.errno);
  if (isAddressError(e)) {
    let key = name && GAI_ERRORS[name] ? name : 'EAI_NONAME';
    if (e.code === 'EAI_AGAIN') key = 'EAI_AGAIN';
    const [number, text] = GAI_ERRORS[key];
    return `[Errno ${number}] ${text}`;
  }
  const code = typeof e.code === 'string' && os.constants.errno[e.code] !== undefined ? e.code : name;
  if (code && os.constants.errno[code] !== undefined) {
    return `[Errno ${os.constants.errno[code]}] ${STRERROR[code] || code}`;
  }
  return String(e.message || e);
}

// -- numbers ------------------------------------------------------------------

/** Python's format(x, 'g'). */
function formatG(x) {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, exponentText] = x.toExponential(5).split('e');
  const exponent = Number(exponentText);
  const strip = (s) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${strip(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return strip(x.toFixed(Math.max(0, 5 - exponent)));
}

/** Python's int(text), for decimal text. */
function parseInteger(text) {
  const t = text.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) return null;
  return Number(t.replace(/_/g, ''));
}

/** Python's float(text). */
function parseFloat_(text) {
  const t = text.trim().toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (!/^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:e[+-]?\d+(?:_\d+)*)?$/.test(t)) return null;
  return Number(t.replace(/_/g, ''));
}

const types = {
  port(text) {
    const value = parseInteger(text);
    if (value === null) throw new Error(`port must be an integer, got '${text}'`);
    if (value < 0 || value > 65535) throw new Error(`port must be in 0..65535, got ${value}`);
    return value;
  },
  seconds(text) {
    const value = parseFloat_(text);
    if (value === null) throw new Error(`seconds must be a number, got '${text}'`);
    if (!Number.isFinite(value)) throw new Error(`seconds must be finite, got '${text}'`);
    if (value < 0) throw new Error(`seconds must be >= 0, got '${text}'`);
    return value;
  },
  positiveSeconds(text) {
    const value = types.seconds(text);
    if (value <= 0) throw new Error(`seconds must be > 0, got '${text}'`);
    return value;
  },
};

// -- the command line, argparse style -----------------------------------------

/**
 * Parse `argv` for a recipe with `options`: [{flag, dest, metavar, type,
 * required, fallback, choices, help}].  Usage errors exit 2 with argparse's
 * wording; --help prints the help and exits 0.
 */
function parseArgs(recipe, argv) {
  const prog = `${PROG} ${recipe.name}`;
  const usage = () => {
    const parts = recipe.options.map((o) => {
      const value = o.choices ? `{${o.choices.join(',')}}` : o.metavar;
      return o.required ? `${o.flag} ${value}` : `[${o.flag} ${value}]`;
    });
    return `usage: ${prog} [-h] ${parts.join(' ')}`;
  };
  const fail = (message) => exitWith(EXIT.USAGE, `${usage()}\n${prog}: error: ${message}`);
  const values = {};
  const unknown = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      const lines = [usage(), '', recipe.summary, '', 'options:', '  -h, --help            show this help message and exit'];
      for (const o of recipe.options) {
        const value = o.choices ? `{${o.choices.join(',')}}` : o.metavar;
        lines.push(`  ${`${o.flag} ${value}`.padEnd(20)}  ${o.help}`);
      }
      lines.push('', 'exit codes:', ...recipe.codes.map((code) => `  ${String(code).padStart(3)}  ${MEANINGS[code]}`));
      say(lines.join('\n'));
      process.exit(EXIT.OK);
    }
    if (!arg.startsWith('--') || arg === '--') {
      unknown.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    let option = recipe.options.find((o) => o.flag === flag);
    if (!option) {
      const prefixed = recipe.options.filter((o) => o.flag.startsWith(flag));
      if (prefixed.length > 1) {
        fail(`ambiguous option: ${flag} could match ${prefixed.map((o) => o.flag).join(', ')}`);
      }
      [option] = prefixed;
    }
    if (!option) {
      unknown.push(arg);
      continue;
    }
    let text;
    if (eq !== -1) text = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !(argv[i + 1].startsWith('-') && argv[i + 1].length > 1 && !/^-\d/.test(argv[i + 1]))) {
      i += 1;
      text = argv[i];
    } else fail(`argument ${option.flag}: expected one argument`);
    if (option.choices && !option.choices.includes(text)) {
      const choices = option.choices.map((c) => `'${c}'`).join(', ');
      fail(`argument ${option.flag}: invalid choice: '${text}' (choose from ${choices})`);
    }
    try {
      values[option.dest] = option.type ? option.type(text) : text;
    } catch (err) {
      fail(`argument ${option.flag}: ${err.message}`);
    }
  }
  if (unknown.length) fail(`unrecognized arguments: ${unknown.join(' ')}`);
  const missing = recipe.options.filter((o) => o.required && !(o.dest in values)).map((o) => o.flag);
  if (missing.length) fail(`the following arguments are required: ${missing.join(', ')}`);
  for (const o of recipe.options) if (!(o.dest in values)) values[o.dest] = o.fallback;
  values.usageError = fail;
  return values;
}

// -- text encodings -----------------------------------------------------------

let gbkTable = null;

/**
 * Encode `text` as GBK, or return null if some character has no GBK form.
 * Node can decode GBK (WHATWG TextDecoder) but not encode it, so the table is
 * built by decoding every two-byte sequence, keeping the first sequence per
 * character (the WHATWG encoder's rule) and leaving out the private-use area,
 * which Python's gbk codec does not map.  Checked to match Python's
 * str.encode('gbk') on every BMP character.
 */
function encodeGbk(text) {
  if (gbkTable === null) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gbk');
    for (let lead = 0x81; lead <= 0xfe; lead += 1) {
      for (let trail = 0x40; trail <= 0xfe; trail += 1) {
        if (trail === 0x7f) continue;
        const chars = [...decoder.decode(Uint8Array.of(lead, trail))];
        if (chars.length !== 1 || chars[0] === '\ufffd') continue;
        const cp = chars[0].codePointAt(0);
        if (cp >= 0xe000 && cp <= 0xf8ff) continue;
        if (!gbkTable.has(cp)) gbkTable.set(cp, [lead, trail]);
      }
    }
  }
  const bytes = [];
  for (const char of text) {
    const cp = char.codePointAt(0);
    if (cp < 0x80) bytes.push(cp);
    else if (gbkTable.has(cp)) bytes.push(...gbkTable.get(cp));
    else return null;
  }
  return Buffer.from(bytes);
}

function encodeText(text, encoding) {
  if (encoding === 'gbk') return encodeGbk(text);
  return text.isWellFormed() ? Buffer.from(text, 'utf8') : null;
}

function decodeText(data, encoding) {
  return new TextDecoder(encoding).decode(data);
}

// -- echo-server --------------------------------------------------------------

const BACKLOG = 1024;

function echoServer(args) {
  const stop = () => process.exit(EXIT.OK);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const idle = args.idle_timeout;
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (conn) => {
    let lastRead = Date.now();
    let timer = null;
    const checkIdle = () => {
      const quiet = (Date.now() - lastRead) / 1000;
      if (quiet >= idle) conn.destroy();
      else timer = setTimeout(checkIdle, (idle - quiet) * 1000);
    };
    if (idle > 0) timer = setTimeout(checkIdle, idle * 1000);
    conn.on('data', (chunk) => {
      lastRead = Date.now();
      // Backpressure: stop reading from a client that does not read its echo.
      if (!conn.write(chunk)) conn.pause();
    });
    conn.on('drain', () => conn.resume());
    // The client is done sending: close our side once all its echo is written.
    conn.on('end', () => conn.end());
    conn.on('error', () => conn.destroy()); // a reset ends this connection only
    conn.on('close', () => {
      if (timer !== null) clearTimeout(timer);
    });
  });
  server.on('error', (err) => {
    if (!server.listening) exitWith(EXIT.FAILURE, `Cannot listen on ${args.host}:${args.port}: ${describe(err)}`);
    process.stderr.write(`echo-server: ${describe(err)}\n`);
  });
  server.listen({ host: args.host === '' ? '0.0.0.0' : args.host, port: args.port, backlog: BACKLOG }, () => {
    const { address, port } = server.address();
    say(`Echo server listening on ${address}:${port}`);
  });
}

// -- clients ------------------------------------------------------------------

/** The server a client talks to, and how its failures read (sockspec_reference/_peer.py). */
class Peer {
  constructor(host, port, timeout) {
    this.host = host;
    this.port = port;
    this.timeout = timeout;
  }

  toString() {
    return `${this.host}:${this.port}`;
  }

  timedOut() {
    return new Failure(`Timed out after ${formatG(this.timeout)} s talking to ${this}`, EXIT.TIMEOUT);
  }

  /** An error during `step` ('connect', 'send' or 'receive') as the reference reports it. */
  failure(step, err) {
    if (isAddressError(err)) {
      return new Failure(`Address-related error connecting to server: ${this}: ${describe(err)}`, EXIT.ADDRESS);
    }
    const e = lastError(err);
    if (e && (e.code === 'ETIMEDOUT' || e.code === 'ERR_SOCKET_CONNECTION_TIMEOUT')) return this.timedOut();
    // A refusal is a connection error at any step (UDP learns of it on receive).
    if (e && e.code === 'ECONNREFUSED') step = 'connect';
    const [prefix, code] = {
      connect: ['Connection error', EXIT.CONNECTION],
      send: ['Error sending data', EXIT.SEND],
      receive: ['Error receiving data', EXIT.RECEIVE],
    }[step];
    return new Failure(`${prefix}: ${this}: ${describe(err)}`, code);
  }
}

/** A timer that a client restarts at each operation, as each Python socket call gets the full timeout. */
function operationTimer(peer, onExpire) {
  let timer = null;
  return {
    restart() {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => onExpire(peer.timedOut()), Math.ceil(peer.timeout * 1000));
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

function echoClient(args) {
  process.on('SIGINT', () => process.exit(EXIT.INTERRUPTED));
  const payload = encodeText(args.message, args.encoding);
  if (payload === null) {
    const reason = args.encoding === 'gbk' ? 'illegal multibyte sequence' : 'surrogates not allowed';
    args.usageError(`--message cannot be encoded as ${args.encoding}: ${reason}`);
  }
  const peer = new Peer(args.host, args.port, args.timeout);
  say(`Connecting to ${peer.host} port ${peer.port}`);
  let step = 'connect';
  let finished = false;
  const chunks = [];
  let received = 0;
  const conn = net.connect({ host: peer.host, port: peer.port, allowHalfOpen: true });
  const end = (failure) => {
    if (finished) return;
    finished = true;
    timer.stop();
    conn.destroy();
    if (failure) exitWith(failure.code, failure.message);
    say(`Received: ${decodeText(Buffer.concat(chunks).subarray(0, payload.length), args.encoding)}`);
    process.exit(EXIT.OK);
  };
  const timer = operationTimer(peer, end);
  timer.restart();
  conn.on('error', (err) => end(peer.failure(step, err)));
  conn.on('connect', () => {
    say(`Sending: ${args.message}`);
    step = 'send';
    timer.restart();
    conn.write(payload, (err) => {
      if (err || finished) return; // an error also arrives as 'error'
      step = 'receive';
      timer.restart();
      if (received >= payload.length) end(null);
    });
  });
  conn.on('data', (chunk) => {
    chunks.push(chunk);
    received += chunk.length;
    timer.restart();
    if (step === 'receive' && received >= payload.length) end(null);
  });
  conn.on('end', () => {
    if (received < payload.length) {
      end(new Failure(`Connection closed by server after ${received} of ${payload.length} bytes from ${peer}`, EXIT.RECEIVE));
    } else if (step === 'receive') end(null);
  });
}

// -- sntp-time ----------------------------------------------------------------

const NTP_UNIX_OFFSET = 2208988800n;
const ONE_SECOND = 1n << 32n;
const MODE_CLIENT = 3;
const MODE_SERVER = 4;
const VERSION = 3;
const PACKET_SIZE = 48;

/** The 64-bit NTP timestamp of a Unix time (RFC 4330 section 3; valid 1968-2104). */
function toNtp(unixSeconds) {
  let whole = Math.floor(unixSeconds);
  let fraction = Math.round((unixSeconds - whole) * 2 ** 32);
  if (fraction === 2 ** 32) {
    whole += 1;
    fraction = 0;
  }
  const seconds = (BigInt(whole) + NTP_UNIX_OFFSET) % (1n << 32n);
  return seconds * ONE_SECOND + BigInt(fraction);
}

/** Unix time of a 64-bit NTP timestamp; a clear top bit means era 1 (from 2036-02-07). */
function toUnix(timestamp) {
  let seconds = timestamp >> 32n;
  const fraction = timestamp & 0xffffffffn;
  if (!(seconds & 0x80000000n)) seconds += 1n << 32n;
  return Number(seconds - NTP_UNIX_OFFSET) + Number(fraction) / 2 ** 32;
}

function encodeRequest(transmit) {
  const packet = Buffer.alloc(PACKET_SIZE);
  packet[0] = (VERSION << 3) | MODE_CLIENT; // 0x1b, the tutorial's first byte
  packet.writeBigUInt64BE(transmit, 40);
  return packet;
}

const hex64 = (value) => `0x${value.toString(16).padStart(16, '0')}`;

/** The server's transmit time as Unix time, or a Failure (RFC 4330 section 5, in the reference's order). */
function validateReply(data, sent, peer) {
  const invalid = (why, code) => new Failure(`Invalid reply from ${peer}: ${why}`, code);
  if (data.length < PACKET_SIZE) {
    throw invalid(`packet is ${data.length} bytes, shorter than the ${PACKET_SIZE} of an SNTP header`, EXIT.SHORT_REPLY);
  }
  const leap = data[0] >> 6;
  const mode = data[0] & 7;
  const stratum = data[1];
  const refId = data.subarray(12, 16);
  const originate = data.readBigUInt64BE(24);
  const transmit = data.readBigUInt64BE(40);
  if (mode !== MODE_SERVER) throw invalid(`reply mode is ${mode}, expected ${MODE_SERVER} (server)`, EXIT.WRONG_MODE);
  if (originate !== sent) {
    throw invalid(`reply originate ${hex64(originate)} is not our transmit ${hex64(sent)}`, EXIT.WRONG_ORIGINATE);
  }
  if (stratum === 0) {
    let end = refId.length;
    while (end > 0 && refId[end - 1] === 0) end -= 1;
    const code = [...refId.subarray(0, end)]
      .map((b) => (b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`))
      .join('');
    throw invalid(`Kiss-o'-Death from server, kiss code ${code}`, EXIT.KISS_OF_DEATH);
  }
  if (leap === 3) throw invalid('server clock is unsynchronised (leap indicator 3)', EXIT.UNSYNCHRONISED);
  if (transmit === 0n) throw invalid('reply transmit timestamp is zero', EXIT.ZERO_TRANSMIT);
  return toUnix(transmit);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Python's time.ctime(): local time, whole seconds, e.g. 'Sun Oct 17 19:19:18 2021'. */
function ctime(unixSeconds) {
  const date = new Date(Math.floor(unixSeconds) * 1000);
  const two = (n) => String(n).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, ' ');
  const clock = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  return `${DAYS[date.getDay()]} ${MONTHS[date.getMonth()]} ${day} ${clock} ${date.getFullYear()}`;
}

/** repr() of a Python socket address tuple. */
function addressRepr(rinfo) {
  return rinfo.family === 'IPv6' ? `('${rinfo.address}', ${rinfo.port}, 0, 0)` : `('${rinfo.address}', ${rinfo.port})`;
}

function sntpTime(args) {
  process.on('SIGINT', () => process.exit(EXIT.INTERRUPTED));
  const peer = new Peer(args.server, args.port, args.timeout);
  let step = 'connect';
  let sock = null;
  let finished = false;
  const end = (failure) => {
    if (finished) return;
    finished = true;
    timer.stop();
    if (failure) exitWith(failure.code, failure.message);
    process.exit(EXIT.OK);
  };
  const timer = operationTimer(peer, end);
  timer.restart();
  dns.lookup(peer.host, (err, address, family) => {
    if (err) return end(peer.failure(step, err));
    sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    let sent = null;
    sock.on('error', (error) => end(peer.failure(step, error)));
    sock.on('message', (data, rinfo) => {
      if (finished || sent === null) return;
      timer.stop();
      say(`Response received from: ${addressRepr(rinfo)}`);
      let serverTime;
      try {
        serverTime = validateReply(data, sent, peer);
      } catch (failure) {
        return end(failure);
      }
      say(`\tTime=${ctime(serverTime)}`);
      return end(null);
    });
    sock.connect(peer.port, address, (error) => {
      if (error) return end(peer.failure(step, error));
      step = 'send';
      const transmit = toNtp(Date.now() / 1000);
      return sock.send(encodeRequest(transmit), (error2) => {
        if (error2) return end(peer.failure(step, error2));
        sent = transmit;
        step = 'receive';
        return timer.restart();
      });
    });
    return undefined;
  });
}

// -- recipes ------------------------------------------------------------------

/** --timeout, as echo-client and sntp-time both take it. */
const TIMEOUT_OPTION = {
  flag: '--timeout',
  dest: 'timeout',
  metavar: 'TIMEOUT',
  type: types.positiveSeconds,
  fallback: 2,
  help: 'seconds each socket operation may take (default: 2)',
};

const RECIPES = [
  {
    name: 'echo-server',
    summary: 'echo every byte of every TCP connection until the client closes',
    run: echoServer,
    codes: [0, 1, 2],
    options: [
      { flag: '--host', dest: 'host', metavar: 'HOST', fallback: '127.0.0.1', help: 'address to bind (default: 127.0.0.1)' },
      { flag: '--port', dest: 'port', metavar: 'PORT', type: types.port, fallback: 0, help: 'port to bind (default: 0, any free)' },
      {
        flag: '--idle-timeout',
        dest: 'idle_timeout',
        metavar: 'IDLE_TIMEOUT',
        type: types.seconds,
        fallback: 300,
        help: 'close a connection silent this many seconds; 0: never (default: 300)',
      },
    ],
  },
  {
    name: 'echo-client',
    summary: 'send --message to an echo server and print what comes back',
    run: echoClient,
    codes: CLIENT_CODES,
    options: [
      { flag: '--port', dest: 'port', metavar: 'PORT', type: types.port, required: true, help: 'server port' },
      { flag: '--host', dest: 'host', metavar: 'HOST', fallback: '127.0.0.1', help: 'server host (default: 127.0.0.1)' },
      { flag: '--message', dest: 'message', metavar: 'MESSAGE', required: true, help: 'text to send' },
      {
        flag: '--encoding',
        dest: 'encoding',
        metavar: 'ENCODING',
        choices: ['utf-8', 'gbk'],
        fallback: 'utf-8',
        help: 'text encoding on the wire (default: utf-8)',
      },
      TIMEOUT_OPTION,
    ],
  },
  {
    name: 'sntp-time',
    summary: "print an SNTP server's time, asked over a raw UDP socket",
    run: sntpTime,
    codes: [...CLIENT_CODES.slice(0, -1), 8, 9, 10, 11, 12, 13, 130],
    options: [
      { flag: '--server', dest: 'server', metavar: 'SERVER', required: true, help: 'SNTP server host name or address' },
      { flag: '--port', dest: 'port', metavar: 'PORT', type: types.port, fallback: 123, help: 'server port (default: 123)' },
      TIMEOUT_OPTION,
    ],
  },
];

function main(argv) {
  const names = RECIPES.map((r) => r.name);
  const usage = `usage: ${PROG} [-h] RECIPE ...`;
  if (argv[0] === '-h' || argv[0] === '--help') {
    say([usage, '', 'Three of the tutorial\'s socket recipes in Node.js.', '', 'recipes:', ...RECIPES.map((r) => `  ${r.name.padEnd(12)}  ${r.summary}`)].join('\n'));
    process.exit(EXIT.OK);
  }
  if (!argv.length) exitWith(EXIT.USAGE, `${usage}\n${PROG}: error: the following arguments are required: RECIPE`);
  const recipe = RECIPES.find((r) => r.name === argv[0]);
  if (!recipe) {
    const choices = names.map((n) => `'${n}'`).join(', ');
    exitWith(EXIT.USAGE, `${usage}\n${PROG}: error: argument RECIPE: invalid choice: '${argv[0]}' (choose from ${choices})`);
  }
  recipe.run(parseArgs(recipe, argv.slice(1)));
}

main(process.argv.slice(2));
