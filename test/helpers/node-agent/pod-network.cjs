'use strict';
/**
 * The pod tier's network, for Node processes (loaded with `node --require`; see docs/operations.md,
 * "The pod tier"). Pods share the machine's network namespace, each with its own loopback address as pod
 * IP, so two things a pod network gives for free need help:
 *
 * 1. Inside a pod (the node agent mounts the pod's address at /run/tributary-node-agent/pod-ip): a listen
 *    on every address (`0.0.0.0`, `::`, or no host) listens on the pod IP instead, as it would in a pod's
 *    own network namespace, so every pod can use the port its spec names. Other hosts are left alone.
 * 2. Outside the pods (the operator and tests, `TRIBUTARY_POD_TIER_HOSTS` naming the tier's hosts file):
 *    `dns.lookup` answers cluster names (`<pod>.<service>.<namespace>.svc`) from that file, as a cluster
 *    DNS would. Inside a pod /etc/hosts is that file already, and the C library reads it.
 */
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');

const POD_IP_FILE = '/run/tributary-node-agent/pod-ip';
const WILDCARD = new Set([undefined, null, '', '0.0.0.0', '::', '[::]']);

function readPodIp() {
  try {
    return fs.readFileSync(POD_IP_FILE, 'utf8').trim();
  } catch {
    return '';
  }
}

const podIp = readPodIp();
if (podIp !== '') {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function listenOnPodIp(...args) {
    const first = args[0];
    if (first !== null && typeof first === 'object') {
      // listen(options): only TCP options (a port, no path, no handle or fd) are rewritten.
      const tcp = first.path === undefined && first.handle === undefined && first.fd === undefined;
      if (tcp && !('_handle' in first) && WILDCARD.has(first.host)) args[0] = { ...first, host: podIp };
    } else if (typeof first === 'number' || (typeof first === 'string' && /^[0-9]+$/.test(first))) {
      // listen(port[, host][, backlog][, callback])
      if (typeof args[1] === 'string') {
        if (WILDCARD.has(args[1])) args[1] = podIp;
      } else {
        args.splice(1, 0, podIp);
      }
    }
    return listen.apply(this, args);
  };
}

const hostsPath = process.env.TRIBUTARY_POD_TIER_HOSTS;
if (hostsPath !== undefined && hostsPath !== '') {
  let cache = { mtimeMs: -1, size: -1, table: new Map() };
  const table = () => {
    let stat;
    try {
      stat = fs.statSync(hostsPath);
    } catch {
      return new Map();
    }
    if (stat.mtimeMs !== cache.mtimeMs || stat.size !== cache.size) {
      const next = new Map();
      for (const line of fs.readFileSync(hostsPath, 'utf8').split('\n')) {
        const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
        if (address === undefined || address === '' || net.isIP(address) === 0) continue;
        for (const name of names) {
          const key = name.toLowerCase();
          const list = next.get(key) ?? [];
          list.push({ address, family: net.isIP(address) });
          next.set(key, list);
        }
      }
      cache = { mtimeMs: stat.mtimeMs, size: stat.size, table: next };
    }
    return cache.table;
  };
  /** The file's answer for `hostname` under `options`, or undefined when the file does not name it. */
  const answer = (hostname, options) => {
    if (typeof hostname !== 'string') return undefined;
    const found = table().get(hostname.toLowerCase().replace(/\.$/, ''));
    if (found === undefined) return undefined;
    const family = typeof options === 'number' ? options : (options?.family ?? 0);
    const want = family === 'IPv4' ? 4 : family === 'IPv6' ? 6 : Number(family);
    const list = want === 4 || want === 6 ? found.filter((a) => a.family === want) : found;
    return list.length === 0 ? undefined : list;
  };
  const lookup = dns.lookup;
  dns.lookup = function lookupClusterName(hostname, options, callback) {
    const cb = typeof options === 'function' ? options : callback;
    const opts = typeof options === 'function' ? undefined : options;
    const list = answer(hostname, opts);
    if (list === undefined) return lookup.call(this, hostname, options, callback);
    process.nextTick(() => {
      if (typeof opts === 'object' && opts?.all === true)
        cb(
          null,
          list.map((a) => ({ ...a })),
        );
      else cb(null, list[0].address, list[0].family);
    });
    return undefined;
  };
  const promises = dns.promises;
  const lookupPromise = promises.lookup;
  promises.lookup = function lookupClusterNamePromise(hostname, options) {
    const list = answer(hostname, options);
    if (list === undefined) return lookupPromise.call(this, hostname, options);
    if (typeof options === 'object' && options?.all === true)
      return Promise.resolve(list.map((a) => ({ ...a })));
    return Promise.resolve({ ...list[0] });
  };
}
