import { type Actor, ActorClass } from './population.js';
import type { Rng } from './rng.js';

/**
 * The fields of one Zeek conn record, filled in place (one scratch object for the whole run, no per-record
 * allocation). Durations are integer microseconds (Zeek's resolution) so sums are exact; -1 means unset (`-`).
 *
 * An attack flow is drawn in two parts from two random streams: its core (`attackCore`: kind, duration, orig_pkts,
 * orig_bytes, orig_ip_bytes, everything ingest sums into a day table) and its detail (`attackDetail`: ports, the
 * responder's side, state, history). A day table needs only the cores, so the aip format draws those alone, and the
 * zeek format draws the very same cores and adds the details: both give the same ground truth by construction.
 */
export class ConnFields {
  /** Kind of the attack flow (set by attackCore, read by attackDetail). */
  kind = 0;
  /** Kind-specific choice made in the core: SYN scan 1 = retransmitted; UDP probe: port index × 2 + answered. */
  variant = 0;
  origPort = 0;
  respPort = 0;
  proto = 'tcp';
  service = '-';
  durationUs = -1;
  origBytes = -1;
  respBytes = -1;
  state = 'S0';
  localOrig = 'F';
  localResp = 'T';
  history = 'S';
  origPkts = 1;
  origIpBytes = 40;
  respPkts = 0;
  respIpBytes = 0;
}

const Kind = {
  Syn: 0,
  Rej: 1,
  Ssh: 2,
  Telnet: 3,
  Http: 4,
  Brute: 5,
  Udp: 6,
  Icmp: 7,
} as const;

/** Per attacker class (index = ActorClass): [kind, cumulative probability] pairs. */
const KIND_MIX: readonly (readonly (readonly [number, number])[])[] = [
  // Persistent
  [
    [Kind.Syn, 0.62],
    [Kind.Rej, 0.7],
    [Kind.Http, 0.82],
    [Kind.Udp, 0.94],
    [Kind.Icmp, 0.97],
    [Kind.Ssh, 1],
  ],
  // Botnet
  [
    [Kind.Telnet, 0.55],
    [Kind.Syn, 0.8],
    [Kind.Ssh, 0.95],
    [Kind.Http, 1],
  ],
  // BruteForcer
  [
    [Kind.Ssh, 0.55],
    [Kind.Brute, 0.95],
    [Kind.Syn, 1],
  ],
  // Returner
  [
    [Kind.Ssh, 0.45],
    [Kind.Http, 0.7],
    [Kind.Syn, 0.9],
    [Kind.Telnet, 1],
  ],
  // OneShot
  [
    [Kind.Syn, 0.55],
    [Kind.Http, 0.75],
    [Kind.Ssh, 0.9],
    [Kind.Udp, 1],
  ],
];

/** KIND_MIX flattened for the hot path: class c's kinds and cumulative probabilities start at c × MIX_STRIDE. */
const MIX_STRIDE = 8;
const MIX_KIND = new Uint8Array(KIND_MIX.length * MIX_STRIDE);
const MIX_CUM = new Float64Array(KIND_MIX.length * MIX_STRIDE).fill(2);
KIND_MIX.forEach((mix, c) => {
  mix.forEach(([kind, cum], i) => {
    MIX_KIND[c * MIX_STRIDE + i] = kind;
    MIX_CUM[c * MIX_STRIDE + i] = cum;
  });
});

const SCAN_PORTS = [
  22, 23, 80, 443, 445, 3389, 8080, 21, 25, 110, 143, 993, 995, 1433, 3306, 5432, 5900, 6379, 8443, 9200,
  27017, 2375, 5555, 8000, 8888, 81, 2323, 7547, 37215, 502, 1883, 6443, 10000, 9000, 11211, 5060,
];
const HTTP_PORTS = [80, 80, 80, 8080, 8000, 8888, 81, 8081];
const UDP_PORTS = [53, 123, 161, 1900, 5060, 11211, 19, 389, 5353, 137] as const;
const UDP_SERVICES = ['dns', 'ntp', 'snmp', '-', 'sip', '-', '-', '-', 'dns', '-'] as const;
const UDP_PAYLOAD = [29, 48, 40, 94, 420, 15, 1, 50, 40, 50] as const;

function ephemeral(r: Rng): number {
  return r.int(1024, 65535);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

/** Core of a SYN scan: a lone SYN (80%) or retransmitted SYNs, 1 s then 3 s after the first. */
function synCore(r: Rng, f: ConnFields, v6: boolean): void {
  const hdr = v6 ? 20 : 0;
  if (r.float() < 0.8) {
    f.variant = 0;
    f.durationUs = -1;
    f.origBytes = -1;
    f.origPkts = 1;
    f.origIpBytes = (r.float() < 0.5 ? 40 : 44) + hdr;
  } else {
    const pkts = r.float() < 0.7 ? 2 : 3;
    f.variant = 1;
    f.durationUs = (pkts === 2 ? 1_000_000 : 3_000_000) + r.int(0, 60_000);
    f.origBytes = 0;
    f.origPkts = pkts;
    f.origIpBytes = pkts * (44 + hdr);
  }
}

function synDetail(r: Rng, f: ConnFields, port: number): void {
  f.origPort = ephemeral(r);
  f.respPort = port;
  f.proto = 'tcp';
  f.service = '-';
  f.state = 'S0';
  f.history = 'S';
  f.respBytes = f.variant === 0 ? -1 : 0;
  f.respPkts = 0;
  f.respIpBytes = 0;
}

/** Core of a UDP probe: the port (and so the payload), and whether it was answered. */
function udpCore(r: Rng, f: ConnFields, v6: boolean, answered: boolean): void {
  const k = r.below(UDP_PORTS.length);
  const payload = UDP_PAYLOAD[k]!;
  f.variant = k * 2 + (answered ? 1 : 0);
  f.origPkts = 1;
  f.origIpBytes = payload + (v6 ? 48 : 28);
  if (answered) {
    f.durationUs = r.int(300, 200_000);
    f.origBytes = payload;
  } else {
    f.durationUs = -1;
    f.origBytes = -1;
  }
}

function udpDetail(r: Rng, f: ConnFields, v6: boolean): void {
  const k = f.variant >> 1;
  f.origPort = ephemeral(r);
  f.respPort = UDP_PORTS[k]!;
  f.proto = 'udp';
  f.service = UDP_SERVICES[k]!;
  if ((f.variant & 1) === 1) {
    f.respBytes = r.int(40, 1200);
    f.state = 'SF';
    f.history = 'Dd';
    f.respPkts = 1;
    f.respIpBytes = f.respBytes + (v6 ? 48 : 28);
  } else {
    f.respBytes = -1;
    f.state = 'S0';
    f.history = 'D';
    f.respPkts = 0;
    f.respIpBytes = 0;
  }
}

/** The originator's side of a TCP conversation with payload both ways. */
function tcpCore(f: ConnFields, v6: boolean, durationUs: number, origPkts: number, origBytes: number): void {
  f.durationUs = Math.round(durationUs);
  f.origPkts = origPkts;
  f.origBytes = origBytes;
  f.origIpBytes = origBytes + origPkts * (v6 ? 72 : 52);
}

/** The responder's side of that conversation, and whether it completed or was reset. */
function tcpDetail(r: Rng, f: ConnFields, v6: boolean, respPkts: number, respBytes: number): void {
  f.proto = 'tcp';
  f.respPkts = respPkts;
  f.respBytes = respBytes;
  f.respIpBytes = respBytes + respPkts * (v6 ? 72 : 52);
  if (r.float() < 0.85) {
    f.state = 'SF';
    f.history = 'ShAdDaFf';
  } else {
    f.state = 'RSTO';
    f.history = 'ShAdDaR';
  }
}

/**
 * The core of one flow from an attacker to a honeypot, shaped by the attacker's class: its kind and the fields a
 * day table sums (durationUs, origPkts, origIpBytes), plus what the detail needs (origBytes, variant).
 */
export function attackCore(r: Rng, f: ConnFields, cls: ActorClass, v6: boolean): void {
  const u = r.float();
  let i = cls * MIX_STRIDE;
  while (u >= MIX_CUM[i]!) i++;
  const kind = MIX_KIND[i]!;
  f.kind = kind;
  f.variant = 0;
  switch (kind) {
    case Kind.Syn:
      synCore(r, f, v6);
      return;
    case Kind.Rej:
      f.durationUs = r.int(20, 300_000);
      f.origBytes = 0;
      f.origPkts = 1;
      f.origIpBytes = v6 ? 64 : 44;
      return;
    case Kind.Ssh: {
      const pk = r.int(10, 40);
      tcpCore(f, v6, clamp(r.lognormal(3e6, 0.8), 2e5, 1.2e8), pk, r.int(1200, 4000));
      return;
    }
    case Kind.Telnet: {
      const pk = r.int(6, 40);
      tcpCore(f, v6, clamp(r.lognormal(8e6, 1), 5e5, 6e8), pk, r.int(20, 400));
      return;
    }
    case Kind.Http: {
      const durUs = clamp(r.lognormal(3e5, 1), 1e3, 3e7);
      tcpCore(f, v6, durUs, r.int(4, 8), r.int(90, 700));
      return;
    }
    case Kind.Brute: {
      // A long interactive or scripted session: minutes to hours, thousands of packets.
      const durUs = clamp(r.lognormal(6e8, 1.2), 3e7, 4.32e10);
      const pk = clamp(Math.round((durUs / 1e6) * r.lognormal(2.5, 0.5)), 50, 200_000);
      tcpCore(f, v6, durUs, pk, pk * r.int(40, 90));
      return;
    }
    case Kind.Udp:
      udpCore(r, f, v6, r.float() < 0.3);
      return;
    default:
      // ICMP echo request.
      f.durationUs = -1;
      f.origBytes = -1;
      f.origPkts = 1;
      f.origIpBytes = v6 ? 104 : 84;
  }
}

/** The rest of the flow whose core `f` holds (attackCore's fields, as it left them). */
export function attackDetail(r: Rng, f: ConnFields, a: Actor): void {
  const v6 = a.v6;
  f.localOrig = 'F';
  f.localResp = 'T';
  switch (f.kind) {
    case Kind.Syn: {
      let port: number;
      if (a.cls === ActorClass.Botnet) port = a.port;
      else if (a.cls === ActorClass.Persistent && r.float() < 0.4) port = r.int(1, 65535);
      else port = SCAN_PORTS[r.below(SCAN_PORTS.length)]!;
      synDetail(r, f, port);
      return;
    }
    case Kind.Rej:
      f.origPort = ephemeral(r);
      f.respPort = r.float() < 0.5 ? r.int(1, 65535) : SCAN_PORTS[r.below(SCAN_PORTS.length)]!;
      f.proto = 'tcp';
      f.service = '-';
      f.respBytes = 0;
      f.state = 'REJ';
      f.history = 'Sr';
      f.respPkts = 1;
      f.respIpBytes = v6 ? 60 : 40;
      return;
    case Kind.Ssh:
      f.origPort = ephemeral(r);
      f.respPort = a.cls === ActorClass.Botnet ? 22 : a.port;
      f.service = 'ssh';
      tcpDetail(r, f, v6, Math.max(1, f.origPkts - r.int(0, 3)), r.int(1500, 5000));
      return;
    case Kind.Telnet:
      f.origPort = ephemeral(r);
      f.respPort = a.port === 23 || a.port === 2323 ? a.port : 23;
      f.service = '-';
      tcpDetail(r, f, v6, Math.max(1, f.origPkts - r.int(0, 4)), r.int(60, 1200));
      return;
    case Kind.Http:
      f.origPort = ephemeral(r);
      f.respPort = HTTP_PORTS[r.below(HTTP_PORTS.length)]!;
      f.service = 'http';
      tcpDetail(r, f, v6, r.int(3, 8), r.int(150, 4000));
      if (f.state === 'SF') f.history = 'ShADadFf';
      return;
    case Kind.Brute: {
      const rpk = Math.max(1, Math.round(f.origPkts * 0.95));
      f.origPort = ephemeral(r);
      f.respPort = a.port;
      f.service = 'ssh';
      tcpDetail(r, f, v6, rpk, rpk * r.int(50, 120));
      return;
    }
    case Kind.Udp:
      udpDetail(r, f, v6);
      return;
    default:
      // ICMP echo request: Zeek puts the type in orig_p and the code in resp_p.
      f.origPort = v6 ? 128 : 8;
      f.respPort = 0;
      f.proto = 'icmp';
      f.service = '-';
      f.respBytes = -1;
      f.state = 'OTH';
      f.history = '-';
      f.respPkts = 0;
      f.respIpBytes = 0;
  }
}

/** A scan that lands on an unlisted neighbour of the honeypots (never answered). */
export function darkFlow(r: Rng, f: ConnFields, v6: boolean): void {
  f.localOrig = 'F';
  f.localResp = 'T';
  if (r.float() < 0.85) {
    const port = SCAN_PORTS[r.below(SCAN_PORTS.length)]!;
    synCore(r, f, v6);
    synDetail(r, f, port);
  } else {
    udpCore(r, f, v6, false);
    udpDetail(r, f, v6);
  }
}

/** What a honeypot itself connects to. */
export const HoneypotTraffic = {
  Dns: 0,
  Ntp: 1,
  Collector: 2,
  Download: 3,
} as const;

/** Draws the kind of an outbound honeypot connection. */
export function honeypotTrafficKind(r: Rng): number {
  const u = r.float();
  if (u < 0.5) return HoneypotTraffic.Dns;
  if (u < 0.65) return HoneypotTraffic.Ntp;
  if (u < 0.85) return HoneypotTraffic.Collector;
  return HoneypotTraffic.Download;
}

/** Fields of a connection originated by a honeypot (kind from honeypotTrafficKind). */
export function honeypotFlow(r: Rng, f: ConnFields, v6: boolean, kind: number): void {
  const hdr = v6 ? 48 : 28;
  f.localOrig = 'T';
  f.localResp = kind === HoneypotTraffic.Collector ? 'T' : 'F';
  switch (kind) {
    case HoneypotTraffic.Dns:
      f.origPort = ephemeral(r);
      f.respPort = 53;
      f.proto = 'udp';
      f.service = 'dns';
      f.durationUs = r.int(1000, 60_000);
      f.origBytes = r.int(30, 60);
      f.respBytes = r.int(46, 300);
      f.state = 'SF';
      f.history = 'Dd';
      f.origPkts = 1;
      f.origIpBytes = f.origBytes + hdr;
      f.respPkts = 1;
      f.respIpBytes = f.respBytes + hdr;
      return;
    case HoneypotTraffic.Ntp:
      f.origPort = 123;
      f.respPort = 123;
      f.proto = 'udp';
      f.service = 'ntp';
      f.durationUs = r.int(5000, 80_000);
      f.origBytes = 48;
      f.respBytes = 48;
      f.state = 'SF';
      f.history = 'Dd';
      f.origPkts = 1;
      f.origIpBytes = 48 + hdr;
      f.respPkts = 1;
      f.respIpBytes = 48 + hdr;
      return;
    case HoneypotTraffic.Collector: {
      f.origPort = ephemeral(r);
      f.respPort = 443;
      f.service = 'ssl';
      const pk = r.int(6, 15);
      tcpCore(f, v6, r.int(50_000, 2_000_000), pk, r.int(500, 3000));
      tcpDetail(r, f, v6, pk - 1, r.int(200, 4000));
      f.state = 'SF';
      f.history = 'ShADadFf';
      return;
    }
    default: {
      // The honeypot fetches the attacker's payload (wget/curl run inside a fake shell).
      const size = Math.round(clamp(r.lognormal(80_000, 1.2), 2_000, 5_000_000));
      const rpk = Math.ceil(size / 1448) + 3;
      f.origPort = ephemeral(r);
      f.respPort = r.float() < 0.7 ? 80 : 8080;
      f.service = 'http';
      tcpCore(f, v6, clamp(r.lognormal(1e6, 1), 1e5, 6e7), Math.ceil(rpk / 2) + 3, r.int(100, 300));
      tcpDetail(r, f, v6, rpk, size);
      f.state = 'SF';
      f.history = 'ShADadFf';
    }
  }
}
