import { isIP } from 'node:net';

/**
 * Which IP addresses an HTTP step may connect to.  `public` is always allowed; `private` (RFC 1918, loopback,
 * CGNAT, link-local, unique-local…) only when an admin allowed private networks; `metadata` (cloud instance metadata,
 * 169.254.169.254 / fd00:ec2::254, ECS/EKS credential agents) only with an explicit `allowMetadata`, because it hands
 * out cloud credentials;
 * `blocked` (unspecified, multicast, broadcast, reserved) never.
 */
export type AddressClass = 'public' | 'private' | 'metadata' | 'blocked';

export interface AddressVerdict {
  address: string;
  class: AddressClass;
  /** Human words for the error message: "private network", "loopback", "cloud metadata"… */
  reason: string;
}

export interface NetworkAllowance {
  allowPrivate: boolean;
  allowMetadata?: boolean;
}

interface V4Range {
  base: number;
  bits: number;
  class: Exclude<AddressClass, 'public'>;
  reason: string;
}

const v4 = (cidr: string, addressClass: V4Range['class'], reason: string): V4Range => {
  const [base = '', bits = '32'] = cidr.split('/');
  return { base: ipv4ToNumber(base) ?? 0, bits: Number(bits), class: addressClass, reason };
};

// Most specific first: the first match wins.
const V4_RANGES: V4Range[] = [
  v4('169.254.169.254/32', 'metadata', 'cloud metadata'),
  v4('100.100.100.200/32', 'metadata', 'cloud metadata'),
  // AWS ECS task metadata and credentials, EKS Pod Identity agent: they hand out the task's or pod's IAM credentials.
  v4('169.254.170.2/32', 'metadata', 'cloud metadata'),
  v4('169.254.170.23/32', 'metadata', 'cloud metadata'),
  v4('255.255.255.255/32', 'blocked', 'broadcast'),
  v4('0.0.0.0/8', 'blocked', 'unspecified'),
  v4('10.0.0.0/8', 'private', 'private network'),
  v4('100.64.0.0/10', 'private', 'carrier-grade NAT'),
  v4('127.0.0.0/8', 'private', 'loopback'),
  v4('169.254.0.0/16', 'private', 'link-local'),
  v4('172.16.0.0/12', 'private', 'private network'),
  v4('192.0.0.0/24', 'blocked', 'reserved'),
  v4('192.0.2.0/24', 'blocked', 'reserved'),
  v4('192.168.0.0/16', 'private', 'private network'),
  v4('198.18.0.0/15', 'private', 'benchmark network'),
  v4('198.51.100.0/24', 'blocked', 'reserved'),
  v4('203.0.113.0/24', 'blocked', 'reserved'),
  v4('224.0.0.0/4', 'blocked', 'multicast'),
  v4('240.0.0.0/4', 'blocked', 'reserved'),
];

/** Classifies one IP address (v4 or v6, as `dns.lookup` or the URL parser gives it); anything unparsable is blocked. */
export function classifyAddress(address: string): AddressVerdict {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) return classifyV4(bare);
  if (family === 6) return classifyV6(bare);
  return { address, class: 'blocked', reason: 'not an IP address' };
}

function classifyV4(address: string): AddressVerdict {
  const value = ipv4ToNumber(address);
  if (value === undefined) return { address, class: 'blocked', reason: 'not an IP address' };
  for (const range of V4_RANGES) {
    const mask = range.bits === 0 ? 0 : (0xffffffff << (32 - range.bits)) >>> 0;
    if ((value & mask) >>> 0 === (range.base & mask) >>> 0)
      return { address, class: range.class, reason: range.reason };
  }
  return { address, class: 'public', reason: 'public' };
}

function classifyV6(address: string): AddressVerdict {
  const words = ipv6ToWords(address);
  if (!words) return { address, class: 'blocked', reason: 'not an IP address' };
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = words;
  const embeddedV4 = `${w6 >> 8}.${w6 & 0xff}.${w7 >> 8}.${w7 & 0xff}`;
  const prefixZero = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0;
  const as = (verdict: AddressVerdict, via: string): AddressVerdict => ({
    address,
    class: verdict.class,
    reason: verdict.class === 'public' ? 'public' : `${verdict.reason} via ${via}`,
  });
  if (words.every((word) => word === 0)) return { address, class: 'blocked', reason: 'unspecified' };
  if (prefixZero && w5 === 0 && w6 === 0 && w7 === 1) return { address, class: 'private', reason: 'loopback' };
  // ::ffff:a.b.c.d (v4-mapped) and the deprecated ::a.b.c.d (v4-compatible): the kernel connects to the v4 address.
  if (prefixZero && w5 === 0xffff) return as(classifyV4(embeddedV4), 'IPv4-mapped IPv6');
  if (prefixZero && w5 === 0) return as(classifyV4(embeddedV4), 'IPv4-compatible IPv6');
  // 64:ff9b::/96 (NAT64 well-known prefix) and 64:ff9b:1::/48 (local-use NAT64): a gateway reaches the v4 address.
  if (w0 === 0x64 && w1 === 0xff9b && (w2 === 0 || w2 === 1)) return as(classifyV4(embeddedV4), 'NAT64');
  // fd00:ec2::254 (EC2 instance metadata over IPv6), fd00:ec2::23 (EKS Pod Identity agent).
  if (w0 === 0xfd00 && w1 === 0x0ec2 && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0 && w6 === 0) {
    if (w7 === 0x254 || w7 === 0x23) return { address, class: 'metadata', reason: 'cloud metadata' };
  }
  if ((w0 & 0xfe00) === 0xfc00) return { address, class: 'private', reason: 'unique local network' };
  if ((w0 & 0xffc0) === 0xfe80) return { address, class: 'private', reason: 'link-local' };
  if ((w0 & 0xffc0) === 0xfec0) return { address, class: 'private', reason: 'site-local' };
  if ((w0 & 0xff00) === 0xff00) return { address, class: 'blocked', reason: 'multicast' };
  if (w0 === 0x2001 && w1 === 0x0db8) return { address, class: 'blocked', reason: 'reserved' };
  // 2002::/16 (6to4) embeds a v4 address in words 1-2.
  if (w0 === 0x2002) return as(classifyV4(`${w1 >> 8}.${w1 & 0xff}.${w2 >> 8}.${w2 & 0xff}`), '6to4');
  return { address, class: 'public', reason: 'public' };
}

/** Whether a verdict lets the request through under an allowance. */
export function isAllowed(verdict: AddressVerdict, allowance: NetworkAllowance): boolean {
  switch (verdict.class) {
    case 'public':
      return true;
    case 'private':
      return allowance.allowPrivate;
    case 'metadata':
      return allowance.allowMetadata === true;
    case 'blocked':
      return false;
  }
}

/** Dotted-quad only (what `isIP` accepted); the URL parser has already turned 2130706433 / 0x7f.1 into this form. */
function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = parts;
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function ipv6ToWords(address: string): number[] | undefined {
  let text = address.split('%')[0] ?? '';
  // A trailing dotted quad (::ffff:127.0.0.1) becomes two hex words.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const value = ipv4ToNumber(dotted[1]);
    if (value === undefined) return undefined;
    text = `${text.slice(0, -dotted[1].length)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(':').map((word) => Number.parseInt(word, 16)) : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const words = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return words.some((word) => !Number.isInteger(word) || word < 0 || word > 0xffff) ? undefined : words;
}
