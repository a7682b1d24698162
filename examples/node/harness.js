#!/usr/bin/env node
// A sockspec harness for Node.js: the socket API subset that Node's standard
// library can really provide, served over the sockspec harness protocol
// (docs/harness-protocol.md, sockspec/harness/schema.json), version 1.
//
//     node examples/node/harness.js
//
// One JSON request per line on stdin, one JSON response per line on stdout.
// Requests are answered strictly in order; a call that has to wait (recv,
// accept, connect, a name lookup) is answered when its result is ready, and
// the next request is read only then.  No request can crash the harness:
// whatever goes wrong becomes an error response.  `stop`, or the end of
// stdin, ends it with status 0.
//
// What Node cannot do is answered `Unsupported` (or left out of the
// capabilities), so the kit grades it UNSUPPORTED instead of FAIL:
//   - getsockopt/setsockopt (Node has no socket-option API), fileno, dup;
//   - UDP sockets (SOCK_DGRAM), non-blocking connect;
//   - getsockname() of a socket that is bound but not listening: Node's
//     net.Server binds and listens in one step, so before listen() there is
//     no kernel socket to ask;
//   - shutdown(SHUT_RD) and shutdown(SHUT_RDWR) (Node can only end its
//     writing side).
// Only Node's standard library is used, so it runs offline.

'use strict';

const dns = require('dns');
const fs = require('fs');
const net = require('net');
const os = require('os');

const { STRERROR, GAI_ERRORS, uvName } = require('./cpython-errors');

const PROTOCOL = 1;
const MAX_LINE = 16 * 1024 * 1024;
const VERSION = '0.1.0';
/** Longest delay a Node timer holds (2**31 - 1 ms); a longer timeout never fires. */
const MAX_TIMER_SECONDS = 2147483;
/** Largest timeout CPython stores (_PyTime_t nanoseconds in an int64). */
const MAX_TIMEOUT_SECONDS = 9223372036.854775;
/** Bytes a connection may buffer unread before the harness stops reading from the kernel. */
const READ_BUFFER_LIMIT = 1024 * 1024;
const SERVICES_FILE = '/etc/services';

// Nothing but responses may reach stdout: route console output to stderr.
console.log = console.error;
console.info = console.error;
console.warn = console.error;

// ---------------------------------------------------------------------------
// Python values in JavaScript
//
//   None -> null, bool -> boolean, str -> string, int -> number (an integer)
//   or bigint, float -> PyFloat, bytes -> Buffer, tuple -> PyTuple,
//   list -> Array, socket -> PySocket.

class PyFloat {
  constructor(value) {
    this.value = value;
  }
}

class PyTuple {
  constructor(items) {
    this.items = items;
  }
}

/** An exception of the socket API, or one of the protocol's own error types. */
class PyError extends Error {
  constructor(type, message, errno = undefined, name = undefined) {
    super(message);
    this.type = type;
    this.errno = errno;
    this.pyName = name;
  }
}

const badRequest = (message) => new PyError('BadRequest', message);
const unsupported = (message) => new PyError('Unsupported', message);
const typeError = (message) => new PyError('TypeError', message);
const valueError = (message) => new PyError('ValueError', message);
const overflowError = (message) => new PyError('OverflowError', message);
const timeoutError = () => new PyError('TimeoutError', 'timed out', null, 'TimeoutError');

function osError(code) {
  const number = os.constants.errno[code];
  const message = STRERROR[code] || code;
  return new PyError('OSError', message, number === undefined ? null : number, code);
}

function gaiError(name) {
  const [number, message] = GAI_ERRORS[name] || GAI_ERRORS.EAI_NONAME;
  return new PyError('gaierror', message, number, name);
}

/** A Node error as the socket API's exception. */
function fromNodeError(err) {
  if (err instanceof PyError) return err;
  if (err && typeof err === 'object') {
    const name = uvName(err.errno);
    if (name && name.startsWith('EAI_')) return gaiError(name);
    if (err.syscall === 'getaddrinfo' || err.syscall === 'queryA') {
      // Node renames EAI_NONAME and EAI_NODATA to ENOTFOUND.
      return gaiError(err.code === 'EAI_AGAIN' ? 'EAI_AGAIN' : 'EAI_NONAME');
    }
    if (typeof err.code === 'string' && os.constants.errno[err.code] !== undefined) return osError(err.code);
    if (name && os.constants.errno[name] !== undefined) return osError(name);
  }
  return new PyError('OtherError', String(err && err.message ? err.message : err), undefined, err && err.name);
}

function pyType(value) {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number' || typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (Buffer.isBuffer(value)) return 'bytes';
  if (value instanceof PyFloat) return 'float';
  if (value instanceof PyTuple) return 'tuple';
  if (Array.isArray(value)) return 'list';
  if (value instanceof PySocket) return 'socket';
  return 'object';
}

/** The type name in CPython's "must be str, not X" messages, which say None rather than NoneType. */
const argType = (value) => (value === null ? 'None' : pyType(value));

const isInt = (value) => typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean';

/** An int argument as a BigInt (bool is an int, as in Python). */
function big(value) {
  return typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value);
}

/** Python's index conversion: an int or TypeError "'x' object cannot be interpreted as an integer". */
function index(value) {
  if (!isInt(value)) throw typeError(`'${pyType(value)}' object cannot be interpreted as an integer`);
  return big(value);
}

function clip(text, limit = 120) {
  const s = typeof text === 'string' ? text : JSON.stringify(text);
  if (s === undefined) return String(text);
  return s.length <= limit ? s : `${s.slice(0, limit)}... (${s.length} characters)`;
}

// ---------------------------------------------------------------------------
// The wire format (docs/harness-protocol.md section 4)

// Padded base64: whole groups of four, '=' only at the end. Written without a
// repeated group, which V8 matches by recursion and overflows its stack on a
// payload of a few MiB.
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;
const isBase64 = (text) => text.length % 4 === 0 && BASE64_TEXT.test(text);
const DECIMAL = /^-?[0-9]+$/;

function decode(data, harness) {
  if (data === null || typeof data === 'boolean' || typeof data === 'string') return data;
  if (typeof data === 'number') {
    if (!Number.isSafeInteger(data)) {
      throw badRequest(`a bare number must be an integer within +/-(2**53 - 1); floats are tagged: ${data}`);
    }
    return data;
  }
  if (Array.isArray(data)) return data.map((item) => decode(item, harness));
  if (typeof data === 'object') {
    const keys = Object.keys(data);
    if (keys.length === 1) {
      const body = data[keys[0]];
      switch (keys[0]) {
        case '$bytes':
          if (typeof body === 'string' && isBase64(body)) return Buffer.from(body, 'base64');
          throw badRequest(`'$bytes' holds no padded base64: ${clip(body)}`);
        case '$tuple':
          if (Array.isArray(body)) return new PyTuple(body.map((item) => decode(item, harness)));
          throw badRequest(`'$tuple' holds no array: ${clip(body)}`);
        case '$float':
          if (typeof body === 'number') return new PyFloat(body);
          if (body === 'nan') return new PyFloat(NaN);
          if (body === 'inf') return new PyFloat(Infinity);
          if (body === '-inf') return new PyFloat(-Infinity);
          throw badRequest(`'$float' holds no number: ${clip(body)}`);
        case '$int': {
          if (typeof body !== 'string' || !DECIMAL.test(body)) {
            throw badRequest(`'$int' holds no decimal string: ${clip(body)}`);
          }
          const value = BigInt(body);
          return value >= BigInt(-Number.MAX_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(value)
            : value;
        }
        case '$handle':
          return harness.socketOf(body);
        default:
      }
    }
  }
  throw badRequest(`not a protocol value: ${clip(data)}`);
}

function encode(value, harness) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new PyError('OtherError', `internal: an int that is not integral: ${value}`);
    return Number.isSafeInteger(value) ? value : { $int: BigInt(value).toString() };
  }
  if (typeof value === 'bigint') {
    const safe = value >= BigInt(-Number.MAX_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
    return safe ? Number(value) : { $int: value.toString() };
  }
  if (value instanceof PyFloat) {
    const v = value.value;
    if (Number.isNaN(v)) return { $float: 'nan' };
    if (v === Infinity) return { $float: 'inf' };
    if (v === -Infinity) return { $float: '-inf' };
    return { $float: v };
  }
  if (Buffer.isBuffer(value)) return { $bytes: value.toString('base64') };
  if (value instanceof PyTuple) return { $tuple: value.items.map((item) => encode(item, harness)) };
  if (Array.isArray(value)) return value.map((item) => encode(item, harness));
  if (value instanceof PySocket) return { $handle: harness.handleOf(value) };
  throw unsupported(`a value of type ${pyType(value)} cannot travel over the harness protocol`);
}

// ---------------------------------------------------------------------------
// Arguments: a small version of Python's argument binding

/**
 * Bind positional `args` and keyword `kwargs` to `params` ([name, default]
 * pairs; a missing default means required).  Keywords are refused unless
 * `keywords` is true, as CPython refuses them for positional-only functions.
 */
function bind(fname, params, args, kwargs, keywords = false) {
  const names = Object.keys(kwargs);
  if (names.length && !keywords) throw typeError(`${fname}() takes no keyword arguments`);
  if (args.length > params.length) {
    const most = params.length;
    throw typeError(`${fname}() takes at most ${most} argument${most === 1 ? '' : 's'} (${args.length} given)`);
  }
  const bound = {};
  params.forEach(([name, fallback], i) => {
    if (i < args.length) {
      if (name in kwargs) throw typeError(`argument for ${fname}() given by name ('${name}') and position (${i + 1})`);
      bound[name] = args[i];
    } else if (Object.prototype.hasOwnProperty.call(kwargs, name)) {
      bound[name] = kwargs[name];
    } else if (fallback !== undefined || params[i].length > 1) {
      bound[name] = fallback;
    } else {
      throw typeError(`${fname}() missing required argument '${name}' (pos ${i + 1})`);
    }
  });
  for (const name of names) {
    if (!params.some(([p]) => p === name)) throw typeError(`${fname}() got an unexpected keyword argument '${name}'`);
  }
  return bound;
}

/** A timeout argument as CPython's settimeout() checks it: seconds (number) or null. */
function timeoutValue(value) {
  if (value === null) return null;
  let seconds;
  if (value instanceof PyFloat) {
    seconds = value.value;
    if (Number.isNaN(seconds)) throw valueError('Invalid value NaN (not a number)');
  } else if (isInt(value)) {
    const b = big(value);
    if (b > 9223372036n || b < -9223372036n) throw overflowError('timestamp too large to convert to C _PyTime_t');
    seconds = Number(b);
  } else {
    throw typeError(`'${pyType(value)}' object cannot be interpreted as an integer`);
  }
  if (seconds < 0) throw valueError('Timeout value out of range');
  if (!(seconds <= MAX_TIMEOUT_SECONDS)) throw overflowError('timestamp out of range for platform time_t');
  return seconds;
}

// ---------------------------------------------------------------------------
// Sockets: Python's blocking/timeout socket model over Node's event-driven net

const AF_INET = 2;
const AF_INET6 = os.platform() === 'darwin' ? 30 : 10;
const SOCK_STREAM = 1;
const IPPROTO_TCP = 6;
const SHUT_RD = 0;
const SHUT_WR = 1;
const SHUT_RDWR = 2;

class PySocket {
  constructor(harness, family) {
    this.harness = harness;
    this.family = family;
    this.timeout = harness.defaultTimeout;
    this.closed = false;
    this.bound = null; // {host, port} recorded by bind(), used by listen()/connect()
    this.server = null; // net.Server once listening
    this.pending = []; // connections the server got that accept() has not taken: {conn, address}
    this.conn = null; // net.Socket once connected or accepted
    this.local = null; // PyTuple
    this.peer = null; // PyTuple
    this.chunks = []; // received, not yet recv()ed
    this.buffered = 0;
    this.eof = false;
    this.error = null;
    this.writeShut = false;
    this.waiters = new Set();
  }

  get isInet6() {
    return this.family === AF_INET6;
  }

  address(host, port) {
    return new PyTuple(this.isInet6 ? [host, port, 0, 0] : [host, port]);
  }

  notify() {
    for (const waiter of [...this.waiters]) waiter();
  }

  checkOpen() {
    if (this.closed) throw osError('EBADF');
  }

  /**
   * Wait until `ready()` is true (it may throw to fail the call), for as long
   * as the socket's timeout allows: 0 means not at all (EAGAIN), null for ever.
   */
  waitUntil(ready) {
    return new Promise((resolve, reject) => {
      let timer = null;
      const waiter = () => {
        let done;
        try {
          done = ready();
        } catch (err) {
          finish();
          reject(err);
          return;
        }
        if (done) {
          finish();
          resolve();
        }
      };
      const finish = () => {
        this.waiters.delete(waiter);
        if (timer !== null) clearTimeout(timer);
      };
      try {
        if (ready()) {
          resolve();
          return;
        }
      } catch (err) {
        reject(err);
        return;
      }
      if (this.timeout === 0) {
        reject(osError('EAGAIN'));
        return;
      }
      this.waiters.add(waiter);
      if (this.timeout !== null && this.timeout <= MAX_TIMER_SECONDS) {
        timer = setTimeout(() => {
          finish();
          reject(timeoutError());
        }, Math.ceil(this.timeout * 1000));
      }
    });
  }

  /** Take over a connected net.Socket (from connect or accept). */
  adopt(conn, peer) {
    this.conn = conn;
    this.local = this.address(conn.localAddress, conn.localPort);
    this.peer = peer || this.address(conn.remoteAddress, conn.remotePort);
    conn.on('data', (chunk) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered >= READ_BUFFER_LIMIT) conn.pause();
      this.notify();
    });
    conn.on('end', () => {
      this.eof = true;
      this.notify();
    });
    conn.on('error', (err) => {
      this.error = err;
      this.notify();
    });
    conn.on('drain', () => this.notify());
    conn.on('close', () => this.notify());
    conn.resume();
  }

  async resolve(address, fname) {
    if (!(address instanceof PyTuple)) {
      const family = this.isInet6 ? 'AF_INET6' : 'AF_INET';
      throw typeError(`${fname}(): ${family} address must be tuple, not ${pyType(address)}`);
    }
    const items = address.items;
    if (this.isInet6 ? items.length < 2 || items.length > 4 : items.length !== 2) {
      throw typeError(this.isInet6 ? 'AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])' : 'AF_INET address must be a pair (host, port)');
    }
    let [host, port] = items;
    if (Buffer.isBuffer(host)) host = host.toString('latin1');
    if (typeof host !== 'string') throw typeError(`str, bytes or bytearray expected, not ${pyType(host)}`);
    const portNumber = index(port);
    if (portNumber < 0n || portNumber > 65535n) throw overflowError(`${fname}(): port must be 0-65535.`);
    for (const extra of items.slice(2)) {
      if (index(extra) !== 0n) throw unsupported('Node cannot set an IPv6 flowinfo or scope id from a number');
    }
    const family = this.isInet6 ? 6 : 4;
    let ip;
    if (host === '') ip = family === 6 ? '::' : '0.0.0.0';
    else if (net.isIP(host) === family) ip = host;
    else ip = await lookup(host, family);
    return { host: ip, port: Number(portNumber) };
  }

  // -- methods offered as socket.<name> ------------------------------------

  async bind(args, kwargs) {
    const { address } = bind('bind', [['address']], args, kwargs);
    this.checkOpen();
    const where = await this.resolve(address, 'bind');
    if (this.bound || this.server || this.conn) throw osError('EINVAL');
    this.bound = where;
    return null;
  }

  async listen(args, kwargs) {
    const { backlog } = bind('listen', [['backlog', null]], args, kwargs);
    let queue = 128; // CPython's default: min(SOMAXCONN, 128)
    if (backlog !== null) queue = Number(index(backlog));
    if (queue < 0) queue = 0;
    this.checkOpen();
    if (this.conn) throw osError('EINVAL');
    if (this.server) return null; // listening already (Node cannot change the backlog now)
    const where = this.bound || { host: this.isInet6 ? '::' : '0.0.0.0', port: 0 };
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    await new Promise((resolve, reject) => {
      server.once('error', (err) => reject(fromNodeError(err)));
      // Node passes backlog 0 on as its default, 511.
      server.listen({ host: where.host, port: where.port, backlog: queue, exclusive: true }, resolve);
    });
    server.on('error', (err) => {
      this.error = err;
      this.notify();
    });
    server.on('connection', (conn) => {
      conn.on('error', () => {}); // reset before accept(): reported to whoever accepts it
      this.pending.push({ conn, address: this.address(conn.remoteAddress, conn.remotePort) });
      this.notify();
    });
    this.server = server;
    const bound = server.address();
    this.local = this.address(bound.address, bound.port);
    return null;
  }

  async accept(args, kwargs) {
    bind('accept', [], args, kwargs);
    this.checkOpen();
    if (!this.server) throw osError('EINVAL');
    await this.waitUntil(() => {
      if (this.closed) throw osError('EBADF');
      return this.pending.length > 0;
    });
    const { conn, address } = this.pending.shift();
    const sock = new PySocket(this.harness, this.family);
    sock.adopt(conn, address);
    return new PyTuple([sock, address]);
  }

  async connect(args, kwargs) {
    const { address } = bind('connect', [['address']], args, kwargs);
    this.checkOpen();
    const where = await this.resolve(address, 'connect');
    if (this.conn || this.server) throw osError('EISCONN');
    if (this.timeout === 0) throw unsupported('Node has no non-blocking connect (EINPROGRESS) to offer');
    const options = { host: where.host, port: where.port, allowHalfOpen: true, family: this.isInet6 ? 6 : 4 };
    if (this.bound) {
      options.localAddress = this.bound.host;
      if (this.bound.port) options.localPort = this.bound.port;
    }
    const conn = net.connect(options);
    conn.pause();
    await new Promise((resolve, reject) => {
      let timer = null;
      const done = (err) => {
        if (timer !== null) clearTimeout(timer);
        conn.removeListener('connect', onConnect);
        conn.removeListener('error', onError);
        if (err) {
          conn.destroy();
          reject(err);
        } else resolve();
      };
      const onConnect = () => done(null);
      const onError = (err) => done(fromNodeError(err));
      conn.once('connect', onConnect);
      conn.once('error', onError);
      if (this.timeout !== null && this.timeout <= MAX_TIMER_SECONDS) {
        timer = setTimeout(() => done(timeoutError()), Math.ceil(this.timeout * 1000));
      }
    });
    if (this.closed) {
      conn.destroy();
      throw osError('EBADF');
    }
    this.adopt(conn);
    return null;
  }

  async recv(args, kwargs) {
    const { bufsize, flags } = bind('recv', [['bufsize'], ['flags', 0]], args, kwargs);
    const size = index(bufsize);
    if (index(flags) !== 0n) throw unsupported('recv flags (MSG_PEEK, MSG_WAITALL, ...) are not available in Node');
    if (size < 0n) throw valueError('negative buffersize in recv');
    this.checkOpen();
    if (!this.conn) throw osError('ENOTCONN');
    if (size === 0n) return Buffer.alloc(0);
    await this.waitUntil(() => {
      if (this.closed) throw osError('EBADF');
      return this.buffered > 0 || this.eof || this.error !== null;
    });
    if (this.buffered > 0) {
      const wanted = Number(size < BigInt(this.buffered) ? size : BigInt(this.buffered));
      const whole = Buffer.concat(this.chunks);
      const data = whole.subarray(0, wanted);
      const rest = whole.subarray(wanted);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      if (this.buffered < READ_BUFFER_LIMIT && this.conn.isPaused() && !this.eof) this.conn.resume();
      return Buffer.from(data);
    }
    if (this.error !== null) {
      const err = fromNodeError(this.error);
      this.error = null;
      this.eof = true; // as the kernel does: the error is reported once, then EOF
      throw err;
    }
    return Buffer.alloc(0);
  }

  checkSendable(data) {
    if (!Buffer.isBuffer(data)) throw typeError(`a bytes-like object is required, not '${pyType(data)}'`);
    this.checkOpen();
    if (!this.conn || this.writeShut) throw osError('EPIPE');
    if (this.error !== null) {
      const err = fromNodeError(this.error);
      this.error = null;
      throw err;
    }
    if (this.conn.destroyed || this.conn.writableEnded) throw osError('EPIPE');
    if (this.timeout === 0 && this.conn.writableNeedDrain) throw osError('EAGAIN');
  }

  async send(args, kwargs) {
    const { data, flags } = bind('send', [['data'], ['flags', 0]], args, kwargs);
    if (index(flags) !== 0n) throw unsupported('send flags are not available in Node');
    this.checkSendable(data);
    const room = this.conn.write(Buffer.from(data));
    if (!room && this.timeout !== 0) {
      // Node took all of it; like a kernel send buffer that is full, wait for room.
      await this.waitUntil(() => {
        if (this.closed) throw osError('EBADF');
        return !this.conn.writableNeedDrain || this.error !== null || this.conn.destroyed;
      });
    }
    return data.length;
  }

  async sendall(args, kwargs) {
    const { data, flags } = bind('sendall', [['data'], ['flags', 0]], args, kwargs);
    if (index(flags) !== 0n) throw unsupported('send flags are not available in Node');
    this.checkSendable(data);
    let written = false;
    let failure = null;
    this.conn.write(Buffer.from(data), (err) => {
      written = true;
      failure = err || null;
      this.notify();
    });
    if (this.timeout === 0) return null;
    await this.waitUntil(() => {
      if (this.closed) throw osError('EBADF');
      return written;
    });
    if (failure) throw fromNodeError(failure);
    return null;
  }

  async shutdown(args, kwargs) {
    const { how } = bind('shutdown', [['how']], args, kwargs);
    const mode = Number(index(how));
    this.checkOpen();
    if (!this.conn) throw osError('ENOTCONN');
    if (mode === SHUT_WR) {
      this.writeShut = true;
      this.conn.end();
      return null;
    }
    if (mode === SHUT_RD || mode === SHUT_RDWR) {
      throw unsupported('Node can shut down only the writing side of a connection (SHUT_WR)');
    }
    throw osError('EINVAL');
  }

  async getsockname(args, kwargs) {
    bind('getsockname', [], args, kwargs);
    this.checkOpen();
    if (this.local) return this.local;
    if (this.bound) {
      throw unsupported('Node binds a TCP socket only when it listens or connects; before that it has no address to read');
    }
    return this.isInet6 ? this.address('::', 0) : this.address('0.0.0.0', 0);
  }

  async getpeername(args, kwargs) {
    bind('getpeername', [], args, kwargs);
    this.checkOpen();
    if (!this.peer) throw osError('ENOTCONN');
    return this.peer;
  }

  async settimeout(args, kwargs) {
    const { value } = bind('settimeout', [['value']], args, kwargs);
    const seconds = timeoutValue(value);
    this.checkOpen();
    this.timeout = seconds;
    return null;
  }

  async gettimeout(args, kwargs) {
    bind('gettimeout', [], args, kwargs);
    return this.timeout === null ? null : new PyFloat(this.timeout);
  }

  async setblocking(args, kwargs) {
    const { flag } = bind('setblocking', [['flag']], args, kwargs);
    const blocking = index(flag) !== 0n;
    this.checkOpen();
    this.timeout = blocking ? null : 0;
    return null;
  }

  async getblocking(args, kwargs) {
    bind('getblocking', [], args, kwargs);
    return this.timeout !== 0;
  }

  async close(args, kwargs) {
    bind('close', [], args, kwargs);
    this.closeNow();
    return null;
  }

  /** Close as the kernel would: unread data resets the connection, written data still goes out. */
  closeNow() {
    if (this.closed) return;
    this.closed = true;
    if (this.server) {
      this.server.close();
      for (const { conn } of this.pending) conn.resetAndDestroy();
      this.pending = [];
    }
    const conn = this.conn;
    if (conn && !conn.destroyed) {
      if (this.buffered > 0 && !this.eof) {
        conn.resetAndDestroy();
      } else if (conn.writableLength > 0) {
        conn.end();
        conn.once('finish', () => conn.destroy());
        setTimeout(() => conn.destroy(), 30000).unref();
      } else {
        conn.destroy();
      }
    }
    this.chunks = [];
    this.buffered = 0;
    this.notify();
  }
}

const SOCKET_METHODS = [
  'accept',
  'bind',
  'close',
  'connect',
  'getblocking',
  'getpeername',
  'getsockname',
  'gettimeout',
  'listen',
  'recv',
  'send',
  'sendall',
  'setblocking',
  'settimeout',
  'shutdown',
];

// ---------------------------------------------------------------------------
// Module functions

function lookup(host, family, all = false) {
  return new Promise((resolve, reject) => {
    dns.lookup(host, { family, all }, (err, address) => {
      if (err) reject(fromNodeError(err));
      else resolve(address);
    });
  });
}

function hostArgument(fname, value) {
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (typeof value !== 'string') {
    throw typeError(`${fname}() argument 1 must be str, bytes or bytearray, not ${argType(value)}`);
  }
  if (value.includes('\0')) throw valueError('embedded null character');
  return value;
}

function uint(fname, value, bits) {
  if (!isInt(value)) throw typeError(`expected int, ${pyType(value)} found`);
  const n = big(value);
  if (n < 0n) throw overflowError("can't convert negative value to unsigned int");
  if (n >= 1n << 64n) throw overflowError('Python int too large to convert to C unsigned long');
  if (n >= 1n << BigInt(bits)) throw overflowError(`int larger than ${bits} bits`);
  return Number(n);
}

function ushort(fname, value) {
  const n = index(value);
  const LONG = 1n << 63n;
  if (n >= LONG || n < -LONG) throw overflowError('Python int too large to convert to C long');
  if (n > 2147483647n) throw overflowError('signed integer is greater than maximum');
  if (n < -2147483648n) throw overflowError('signed integer is less than minimum');
  if (n < 0n) throw overflowError(`${fname}: can't convert negative Python int to C 16-bit unsigned integer`);
  if (n > 65535n) throw overflowError(`${fname}: Python int too large to convert to C 16-bit unsigned integer`);
  return Number(n);
}

const LITTLE_ENDIAN = os.endianness() === 'LE';

/** Reorder between host and network byte order, through a buffer in host order. */
function swap32(value) {
  const buf = Buffer.alloc(4);
  if (LITTLE_ENDIAN) buf.writeUInt32LE(value);
  else buf.writeUInt32BE(value);
  return buf.readUInt32BE();
}

function swap16(value) {
  const buf = Buffer.alloc(2);
  if (LITTLE_ENDIAN) buf.writeUInt16LE(value);
  else buf.writeUInt16BE(value);
  return buf.readUInt16BE();
}

/**
 * inet_aton as inet(3) describes it (glibc's inet_aton_end): 1 to 4 parts
 * separated by dots, each read by strtoul(..., 0) (0x hex, 0 octal, else
 * decimal), the last part filling the remaining low-order bytes; trailing
 * text after whitespace is ignored.  Returns the 32-bit value or null.
 */
function parseInetAton(text) {
  const isDigit = (c) => c >= '0' && c <= '9';
  const isHex = (c) => /^[0-9a-fA-F]$/.test(c);
  const parts = [];
  let i = 0;
  let value = 0n;
  for (;;) {
    if (!isDigit(text[i] || '')) return null;
    // strtoul(cp, &end, 0)
    let base = 10n;
    let start = i;
    if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && isHex(text[i + 2] || '')) {
      base = 16n;
      start = i + 2;
    } else if (text[i] === '0') {
      base = 8n;
    }
    value = 0n;
    let j = start;
    for (; j < text.length; j += 1) {
      const c = text[j];
      let digit;
      if (isDigit(c)) digit = BigInt(c.charCodeAt(0) - 48);
      else if (base === 16n && isHex(c)) digit = BigInt(parseInt(c, 16));
      else break;
      if (digit >= base) break;
      value = value * base + digit;
      if (value > 0xffffffffn) value = 0x100000000n; // out of range: refused below, whatever follows
    }
    i = j;
    if (value > 0xffffffffn) return null;
    if (text[i] === '.') {
      if (parts.length > 2 || value > 0xffn) return null;
      parts.push(value);
      i += 1;
    } else {
      break;
    }
  }
  const c = text[i];
  if (c !== undefined && !/^[ \t\n\v\f\r]$/.test(c)) return null;
  const max = [0xffffffffn, 0xffffffn, 0xffffn, 0xffn][parts.length];
  if (value > max) return null;
  let word = value;
  parts.forEach((part, k) => {
    word |= part << BigInt(24 - 8 * k);
  });
  return Number(word);
}

/** /etc/services as [name, aliases, port, protocol] entries, in file order. */
function servicesEntries() {
  let text;
  try {
    text = fs.readFileSync(SERVICES_FILE, 'latin1');
  } catch (e) {
    return [];
  }
  const entries = [];
  for (const line of text.split('\n')) {
    const fields = line.split('#', 1)[0].trim().split(/\s+/);
    if (fields.length < 2) continue;
    const match = /^([0-9]+)\/(\S+)$/.exec(fields[1]);
    if (!match) continue;
    entries.push([fields[0], fields.slice(2), Number(match[1]), match[2]]);
  }
  return entries;
}

/** A default that stands for "not given", unlike an explicit None. */
const OMITTED = Symbol('omitted');

function protocolArgument(fname, value) {
  if (value === OMITTED) return null;
  if (typeof value !== 'string') throw typeError(`${fname}() argument 2 must be str, not ${argType(value)}`);
  return value;
}

function makeModule(harness) {
  return {
    async gethostname(args, kwargs) {
      bind('gethostname', [], args, kwargs);
      return os.hostname();
    },

    async gethostbyname(args, kwargs) {
      const { hostname } = bind('gethostbyname', [['hostname']], args, kwargs);
      const name = hostArgument('gethostbyname', hostname);
      if (name === '') return '0.0.0.0'; // the wildcard, as Node's own listen('') takes it
      return lookup(name, 4);
    },

    async gethostbyname_ex(args, kwargs) {
      const { hostname } = bind('gethostbyname_ex', [['hostname']], args, kwargs);
      const name = hostArgument('gethostbyname_ex', hostname);
      if (net.isIPv4(name)) return new PyTuple([name, [], [name]]); // a literal is its own name
      // The lookup runs, so a failure is reported as it happened (gaierror) ...
      await lookup(name, 4, true);
      // ... but a success cannot be reported whole: dns.lookup (getaddrinfo
      // without AI_CANONNAME) gives the addresses only, never the canonical
      // name or the aliases, and Node has no other call that does.
      throw unsupported("Node's dns.lookup reports no canonical name and no aliases, so gethostbyname_ex of a name cannot be answered");
    },

    async gethostbyaddr(args, kwargs) {
      const { ip_address: ip } = bind('gethostbyaddr', [['ip_address']], args, kwargs);
      let address = hostArgument('gethostbyaddr', ip);
      if (!net.isIP(address)) {
        const found = address === '' ? null : await lookup(address, 0);
        if (!found) throw gaiError('EAI_NONAME');
        address = found;
      }
      const hostname = await new Promise((resolve, reject) => {
        dns.lookupService(address, 0, (err, host) => {
          if (err) reject(new PyError('herror', 'Unknown host', 1, err.code));
          else resolve(host);
        });
      });
      // getnameinfo gives one name; Node has no call that lists aliases.
      return new PyTuple([hostname, [], [address]]);
    },

    async getservbyname(args, kwargs) {
      const { servicename, protocolname } = bind('getservbyname', [['servicename'], ['protocolname', OMITTED]], args, kwargs);
      if (typeof servicename !== 'string') {
        throw typeError(`getservbyname() argument 1 must be str, not ${argType(servicename)}`);
      }
      const proto = protocolArgument('getservbyname', protocolname);
      for (const [name, aliases, port, protocol] of servicesEntries()) {
        if ((name === servicename || aliases.includes(servicename)) && (proto === null || proto === protocol)) {
          return port;
        }
      }
      throw new PyError('OSError', 'service/proto not found', null);
    },

    async getservbyport(args, kwargs) {
      const { port, protocolname } = bind('getservbyport', [['port'], ['protocolname', OMITTED]], args, kwargs);
      const number = index(port);
      if (number > 2147483647n) throw overflowError('signed integer is greater than maximum');
      if (number < -2147483648n) throw overflowError('signed integer is less than minimum');
      if (number < 0n || number > 65535n) throw overflowError('getservbyport: port must be 0-65535.');
      const proto = protocolArgument('getservbyport', protocolname);
      for (const [name, , entryPort, protocol] of servicesEntries()) {
        if (entryPort === Number(number) && (proto === null || proto === protocol)) return name;
      }
      throw new PyError('OSError', 'port/proto not found', null);
    },

    async htonl(args, kwargs) {
      const { x } = bind('htonl', [['x']], args, kwargs);
      return swap32(uint('htonl', x, 32));
    },

    async ntohl(args, kwargs) {
      const { x } = bind('ntohl', [['x']], args, kwargs);
      return swap32(uint('ntohl', x, 32));
    },

    async htons(args, kwargs) {
      const { x } = bind('htons', [['x']], args, kwargs);
      return swap16(ushort('htons', x));
    },

    async ntohs(args, kwargs) {
      const { x } = bind('ntohs', [['x']], args, kwargs);
      return swap16(ushort('ntohs', x));
    },

    async inet_aton(args, kwargs) {
      const { ip_addr: text } = bind('inet_aton', [['ip_addr']], args, kwargs);
      if (typeof text !== 'string') throw typeError(`inet_aton() argument 1 must be str, not ${argType(text)}`);
      if (text.includes('\0')) throw valueError('embedded null character');
      const word = parseInetAton(text);
      if (word === null) throw new PyError('OSError', 'illegal IP address string passed to inet_aton', null);
      const packed = Buffer.alloc(4);
      packed.writeUInt32BE(word);
      return packed;
    },

    async inet_ntoa(args, kwargs) {
      const { packed_ip: packed } = bind('inet_ntoa', [['packed_ip']], args, kwargs);
      if (!Buffer.isBuffer(packed)) throw typeError(`a bytes-like object is required, not '${pyType(packed)}'`);
      if (packed.length !== 4) throw new PyError('OSError', 'packed IP wrong length for inet_ntoa', null);
      return [...packed].join('.');
    },

    async getdefaulttimeout(args, kwargs) {
      bind('getdefaulttimeout', [], args, kwargs);
      return harness.defaultTimeout === null ? null : new PyFloat(harness.defaultTimeout);
    },

    async setdefaulttimeout(args, kwargs) {
      const { timeout } = bind('setdefaulttimeout', [['timeout']], args, kwargs);
      harness.defaultTimeout = timeoutValue(timeout);
      return null;
    },

    async socket(args, kwargs) {
      const { family, type, proto, fileno } = bind(
        'socket',
        [['family', AF_INET], ['type', SOCK_STREAM], ['proto', 0], ['fileno', null]],
        args,
        kwargs,
        true,
      );
      const fam = Number(index(family === null ? -1 : family));
      const kind = Number(index(type === null ? -1 : type));
      const protocol = Number(index(proto === null ? 0 : proto));
      if (fileno !== null) throw unsupported('Node cannot adopt a socket by file descriptor');
      if (fam !== AF_INET && fam !== AF_INET6) {
        if (fam === -1) throw unsupported('socket() with family=None');
        throw osError('EAFNOSUPPORT');
      }
      if (kind !== SOCK_STREAM) throw unsupported('this harness offers TCP sockets (SOCK_STREAM) only');
      if (protocol !== 0 && protocol !== IPPROTO_TCP) throw unsupported(`protocol ${protocol} for a stream socket`);
      return new PySocket(harness, fam);
    },
  };
}

// The values this platform's socket API uses (Linux; macOS differs in a few).
function constants() {
  const linux = {
    AF_UNSPEC: 0,
    AF_INET: 2,
    AF_INET6: 10,
    SOCK_STREAM: 1,
    SOCK_DGRAM: 2,
    SOL_SOCKET: 1,
    SO_REUSEADDR: 2,
    SO_ERROR: 4,
    SO_SNDBUF: 7,
    SO_RCVBUF: 8,
    SO_KEEPALIVE: 9,
    IPPROTO_IP: 0,
    IPPROTO_TCP: 6,
    IPPROTO_UDP: 17,
    IPPROTO_IPV6: 41,
    SOL_TCP: 6,
    TCP_NODELAY: 1,
    SHUT_RD: 0,
    SHUT_WR: 1,
    SHUT_RDWR: 2,
    INADDR_ANY: 0,
    INADDR_LOOPBACK: 0x7f000001,
    INADDR_BROADCAST: 0xffffffff,
    SOMAXCONN: 4096,
  };
  const darwin = {
    ...linux,
    AF_INET6: 30,
    SOL_SOCKET: 0xffff,
    SO_REUSEADDR: 4,
    SO_ERROR: 0x1007,
    SO_SNDBUF: 0x1001,
    SO_RCVBUF: 0x1002,
    SO_KEEPALIVE: 8,
    SOMAXCONN: 128,
  };
  delete darwin.SOL_TCP;
  const table = os.platform() === 'darwin' ? darwin : linux;
  return { ...table, has_ipv6: true };
}

// ---------------------------------------------------------------------------
// The protocol

class Harness {
  constructor() {
    this.defaultTimeout = null;
    this.sockets = new Map(); // handle -> PySocket
    this.handles = new Map(); // PySocket -> handle
    this.module = makeModule(this);
    this.stopped = false;
  }

  socketOf(handle) {
    if (!Number.isSafeInteger(handle) || !this.sockets.has(handle)) throw badRequest(`no socket has handle ${clip(handle)}`);
    return this.sockets.get(handle);
  }

  handleOf(sock) {
    if (!this.handles.has(sock)) {
      const handle = this.sockets.size + 1;
      this.sockets.set(handle, sock);
      this.handles.set(sock, handle);
    }
    return this.handles.get(sock);
  }

  metadata() {
    const functions = Object.keys(this.module);
    return {
      name: 'node',
      version: process.versions.node,
      language: 'javascript',
      runtime: `node ${process.version}`,
      protocol: PROTOCOL,
      harness: VERSION,
      capabilities: [...functions, ...SOCKET_METHODS.map((name) => `socket.${name}`)],
      constants: constants(),
    };
  }

  async call(request) {
    const { fn } = request;
    const args = request.args === undefined ? [] : request.args;
    const kwargs = request.kwargs === undefined ? {} : request.kwargs;
    const plainObject = kwargs !== null && typeof kwargs === 'object' && !Array.isArray(kwargs);
    if (typeof fn !== 'string' || !Array.isArray(args) || !plainObject) {
      throw badRequest("a call needs 'fn' (a string), 'args' (an array), optional 'kwargs' (an object)");
    }
    let target;
    let where;
    if (request.handle !== undefined) {
      const sock = this.socketOf(request.handle);
      if (!SOCKET_METHODS.includes(fn)) throw unsupported(`Node sockets offer no method '${fn}' through this harness`);
      target = (a, k) => sock[fn](a, k);
      where = `socket.${fn}`;
    } else {
      if (!Object.prototype.hasOwnProperty.call(this.module, fn)) {
        throw unsupported(`the Node harness offers no function '${fn}'`);
      }
      target = this.module[fn];
      where = fn;
    }
    const values = args.map((arg) => decode(arg, this));
    const named = {};
    for (const [key, value] of Object.entries(kwargs)) named[key] = decode(value, this);
    try {
      return encode(await target(values, named), this);
    } catch (err) {
      if (err instanceof PyError) throw err;
      const converted = fromNodeError(err);
      if (converted.type === 'OtherError') converted.message = `${where}: ${converted.message}`;
      throw converted;
    }
  }

  closeAll() {
    for (const sock of this.sockets.values()) sock.closeNow();
  }

  /** The response to one request line; never throws. */
  async answer(line) {
    let id = null;
    try {
      let text;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(line);
      } catch (e) {
        throw badRequest(`the line is not UTF-8: ${clip(line.toString('latin1'))}`);
      }
      let request;
      try {
        request = JSON.parse(text);
      } catch (e) {
        throw badRequest(`the line is not JSON (${e.message}): ${clip(text.trimEnd())}`);
      }
      if (request === null || typeof request !== 'object' || Array.isArray(request)) {
        throw badRequest(`a request is a JSON object, got ${clip(request)}`);
      }
      if (!Number.isSafeInteger(request.id)) {
        throw badRequest(`a request needs an integer 'id', got ${clip(request.id)}`);
      }
      id = request.id;
      switch (request.op) {
        case 'start':
          if (request.protocol !== PROTOCOL) {
            throw badRequest(`this harness speaks protocol ${PROTOCOL}, not ${clip(request.protocol)}`);
          }
          return { id, ok: true, result: this.metadata() };
        case 'call':
          return { id, ok: true, result: await this.call(request) };
        case 'stop':
          this.closeAll();
          this.stopped = true;
          return { id, ok: true, result: null };
        default:
          throw badRequest(`unknown op ${clip(request.op)}; known: call, start, stop`);
      }
    } catch (err) {
      return { id, ok: false, error: errorObject(err) };
    }
  }
}

function errorObject(err) {
  const e = err instanceof PyError ? err : new PyError('OtherError', String(err && err.stack ? err.message : err), undefined, err && err.name);
  const error = { type: e.type, message: e.message };
  if (['OSError', 'gaierror', 'herror', 'TimeoutError'].includes(e.type)) error.errno = e.errno === undefined ? null : e.errno;
  if (e.pyName) error.name = String(e.pyName);
  return error;
}

// ---------------------------------------------------------------------------
// Transport: lines on stdin, answered one at a time in order

function main() {
  const harness = new Harness();
  const queue = []; // complete lines (Buffer), or null for an over-long line
  let busy = false;
  let ended = false;
  let chunks = [];
  let length = 0;
  let skipping = false; // inside an over-long line, until its newline

  const write = (response) => {
    let line = JSON.stringify(response);
    if (Buffer.byteLength(line) > MAX_LINE) {
      const error = { type: 'Unsupported', message: 'the result is longer than one line may be' };
      line = JSON.stringify({ id: response.id, ok: false, error });
    }
    return new Promise((resolve) => {
      process.stdout.write(`${line}\n`, () => resolve());
    });
  };

  const finish = () => {
    harness.closeAll();
    process.exit(0);
  };

  const pump = async () => {
    if (busy) return;
    busy = true;
    while (queue.length) {
      const line = queue.shift();
      const response =
        line === null
          ? { id: null, ok: false, error: { type: 'BadRequest', message: `line longer than ${MAX_LINE} bytes` } }
          : await harness.answer(line);
      try {
        await write(response);
      } catch (e) {
        process.exit(0); // the kit went away: nobody is left to answer
      }
      if (harness.stopped) finish();
    }
    busy = false;
    if (ended) finish();
  };

  process.stdout.on('error', () => process.exit(0));
  process.stdin.on('data', (data) => {
    let start = 0;
    for (;;) {
      const newline = data.indexOf(10, start);
      const piece = data.subarray(start, newline === -1 ? data.length : newline);
      if (!skipping) {
        if (length + piece.length > MAX_LINE) {
          skipping = true;
          chunks = [];
          length = 0;
        } else {
          chunks.push(piece);
          length += piece.length;
        }
      }
      if (newline === -1) break;
      queue.push(skipping ? null : Buffer.concat(chunks));
      chunks = [];
      length = 0;
      skipping = false;
      start = newline + 1;
    }
    pump();
  });
  process.stdin.on('end', () => {
    ended = true;
    if (length > 0 && !skipping) queue.push(Buffer.concat(chunks)); // a last line without its newline
    chunks = [];
    // A call still waiting on a socket (a blocking recv) cannot be answered to anyone now.
    harness.closeAll();
    pump();
  });
}

main();
