// The error texts CPython uses, shared by harness.js and sockspec-node.js so
// that both word an OSError or a gaierror exactly as the reference does.

'use strict';

const util = require('util');

// glibc's strerror() texts, which CPython puts in OSError (the kit rebuilds
// "[Errno N] text" from errno and message).
const STRERROR = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EINTR: 'Interrupted system call',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  EPIPE: 'Broken pipe',
  ENOTSOCK: 'Socket operation on non-socket',
  EPROTONOSUPPORT: 'Protocol not supported',
  ESOCKTNOSUPPORT: 'Socket type not supported',
  EOPNOTSUPP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable',
  ECONNABORTED: 'Software caused connection abort',
  ECONNRESET: 'Connection reset by peer',
  ENOBUFS: 'No buffer space available',
  EISCONN: 'Transport endpoint is already connected',
  ENOTCONN: 'Transport endpoint is not connected',
  ETIMEDOUT: 'Connection timed out',
  ECONNREFUSED: 'Connection refused',
  EHOSTUNREACH: 'No route to host',
  EALREADY: 'Operation already in progress',
  EINPROGRESS: 'Operation now in progress',
};

// getaddrinfo's EAI_* codes as glibc numbers them, with gai_strerror() texts;
// libuv reports them as its own UV_EAI_* names.
const GAI_ERRORS = {
  EAI_BADFLAGS: [-1, 'Bad value for ai_flags'],
  EAI_NONAME: [-2, 'Name or service not known'],
  EAI_AGAIN: [-3, 'Temporary failure in name resolution'],
  EAI_FAIL: [-4, 'Non-recoverable failure in name resolution'],
  EAI_NODATA: [-5, 'No address associated with hostname'],
  EAI_FAMILY: [-6, 'ai_family not supported'],
  EAI_SOCKTYPE: [-7, 'ai_socktype not supported'],
  EAI_SERVICE: [-8, 'Servname not supported for ai_socktype'],
  EAI_ADDRFAMILY: [-9, 'Address family for hostname not supported'],
  EAI_MEMORY: [-10, 'Memory allocation failure'],
  EAI_OVERFLOW: [-12, 'Argument buffer overflow'],
};

/** The name libuv gives a (negative) libuv error number, e.g. 'EAI_NONAME'. */
function uvName(errno) {
  if (typeof errno !== 'number') return undefined;
  try {
    return util.getSystemErrorName(errno);
  } catch (e) {
    return undefined;
  }
}

module.exports = { STRERROR, GAI_ERRORS, uvName };
