import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AddressClass, classifyAddress, isAllowed } from './address-policy.ts';

/** The host part as the WHATWG URL parser leaves it: what the guard classifies for URL literals. */
const hostOf = (url: string) => new URL(url).hostname;

const table: [string, AddressClass, string][] = [
  ['0.0.0.0', 'blocked', 'unspecified'],
  ['0.1.2.3', 'blocked', 'unspecified'],
  ['10.0.0.5', 'private', 'private network'],
  ['10.255.255.255', 'private', 'private network'],
  ['100.64.0.1', 'private', 'carrier-grade NAT'],
  ['100.127.255.254', 'private', 'carrier-grade NAT'],
  ['100.128.0.1', 'public', 'public'],
  ['127.0.0.1', 'private', 'loopback'],
  ['127.255.0.9', 'private', 'loopback'],
  ['169.254.0.1', 'private', 'link-local'],
  ['169.254.169.254', 'metadata', 'cloud metadata'],
  ['100.100.100.200', 'metadata', 'cloud metadata'],
  ['172.16.0.1', 'private', 'private network'],
  ['172.31.255.255', 'private', 'private network'],
  ['172.32.0.1', 'public', 'public'],
  ['172.15.255.255', 'public', 'public'],
  ['192.0.0.8', 'blocked', 'reserved'],
  ['192.0.2.1', 'blocked', 'reserved'],
  ['192.168.1.1', 'private', 'private network'],
  ['198.18.0.1', 'private', 'benchmark network'],
  ['198.19.255.255', 'private', 'benchmark network'],
  ['198.20.0.1', 'public', 'public'],
  ['224.0.0.1', 'blocked', 'multicast'],
  ['239.255.255.250', 'blocked', 'multicast'],
  ['240.0.0.1', 'blocked', 'reserved'],
  ['255.255.255.255', 'blocked', 'broadcast'],
  ['8.8.8.8', 'public', 'public'],
  ['93.184.216.34', 'public', 'public'],
  ['::', 'blocked', 'unspecified'],
  ['::1', 'private', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'private', 'loopback'],
  ['fc00::1', 'private', 'unique local network'],
  ['fd12:3456::1', 'private', 'unique local network'],
  ['fe80::1', 'private', 'link-local'],
  ['fe80::1%eth0', 'private', 'link-local'],
  ['febf::1', 'private', 'link-local'],
  ['fec0::1', 'private', 'site-local'],
  ['ff02::1', 'blocked', 'multicast'],
  ['fd00:ec2::254', 'metadata', 'cloud metadata'],
  ['::ffff:127.0.0.1', 'private', 'loopback via IPv4-mapped IPv6'],
  ['::ffff:7f00:1', 'private', 'loopback via IPv4-mapped IPv6'],
  ['::ffff:169.254.169.254', 'metadata', 'cloud metadata via IPv4-mapped IPv6'],
  ['::ffff:10.0.0.5', 'private', 'private network via IPv4-mapped IPv6'],
  ['::ffff:8.8.8.8', 'public', 'public'],
  ['::127.0.0.1', 'private', 'loopback via IPv4-compatible IPv6'],
  ['64:ff9b::7f00:1', 'private', 'loopback via NAT64'],
  ['64:ff9b::169.254.169.254', 'metadata', 'cloud metadata via NAT64'],
  ['64:ff9b::a00:5', 'private', 'private network via NAT64'],
  ['64:ff9b::808:808', 'public', 'public'],
  ['64:ff9b:1::c0a8:101', 'private', 'private network via NAT64'],
  ['2002:7f00:1::', 'private', 'loopback via 6to4'],
  ['2001:db8::1', 'blocked', 'reserved'],
  ['2606:4700:4700::1111', 'public', 'public'],
  ['not-an-ip', 'blocked', 'not an IP address'],
];

describe('classifyAddress', () => {
  for (const [address, expected, reason] of table) {
    test(`${address} → ${expected} (${reason})`, () => {
      const verdict = classifyAddress(address);
      assert.equal(verdict.class, expected);
      assert.equal(verdict.reason, reason);
    });
  }
});

describe('URL host forms the WHATWG parser normalises', () => {
  const forms: [string, string, AddressClass][] = [
    ['http://2130706433/', '127.0.0.1', 'private'],
    ['http://0x7f.1/', '127.0.0.1', 'private'],
    ['http://0x7f000001/', '127.0.0.1', 'private'],
    ['http://017700000001/', '127.0.0.1', 'private'],
    ['http://0177.0.0.1/', '127.0.0.1', 'private'],
    ['http://127.1/', '127.0.0.1', 'private'],
    ['http://0/', '0.0.0.0', 'blocked'],
    ['http://2852039166/', '169.254.169.254', 'metadata'],
    ['http://0xa9fea9fe/', '169.254.169.254', 'metadata'],
    ['http://[::1]:8080/', '[::1]', 'private'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]', 'private'],
    ['http://[0:0:0:0:0:ffff:a9fe:a9fe]/', '[::ffff:a9fe:a9fe]', 'metadata'],
    ['http://[fd00:ec2::254]/', '[fd00:ec2::254]', 'metadata'],
    ['http://[64:ff9b::127.0.0.1]/', '[64:ff9b::7f00:1]', 'private'],
  ];
  for (const [url, host, expected] of forms) {
    test(`${url} → ${host} (${expected})`, () => {
      assert.equal(hostOf(url), host);
      assert.equal(classifyAddress(hostOf(url)).class, expected);
    });
  }
});

describe('isAllowed', () => {
  const none = { allowPrivate: false };
  const privateOnly = { allowPrivate: true };
  const withMetadata = { allowPrivate: true, allowMetadata: true };
  test('public addresses always pass', () => {
    assert.equal(isAllowed(classifyAddress('8.8.8.8'), none), true);
  });
  test('private addresses pass only when private networks are allowed', () => {
    assert.equal(isAllowed(classifyAddress('10.0.0.5'), none), false);
    assert.equal(isAllowed(classifyAddress('10.0.0.5'), privateOnly), true);
  });
  test('metadata stays blocked with private networks allowed, unless metadata is allowed too', () => {
    assert.equal(isAllowed(classifyAddress('169.254.169.254'), privateOnly), false);
    assert.equal(isAllowed(classifyAddress('169.254.169.254'), withMetadata), true);
  });
  test('unspecified, multicast and reserved addresses never pass', () => {
    for (const address of ['0.0.0.0', '::', '224.0.0.1', 'ff02::1', '240.0.0.1', '255.255.255.255'])
      assert.equal(isAllowed(classifyAddress(address), withMetadata), false, address);
  });
});
