/**
 * A slow mobile link in user space (the kernel here has no netem): a TCP proxy that paces each
 * direction to a bandwidth and adds half the round trip to each, so one request over it costs
 * what it would over a village connection.
 *
 * The model: bytes leave one after another at the link's rate (a segment cannot start before the
 * previous one has left) and arrive one-way-delay later; a new connection can send nothing for
 * one round trip (the TCP handshake). TCP's slow start and losses are not modelled, so the link
 * is kinder than a real one: the hub's figure over it is a lower bound.
 */
import net from 'node:net';

export interface LinkSettings {
  /** `100k-300ms` or `edge`, as results.json names them. */
  name: string;
  downKbps: number;
  upKbps: number;
  rttMs: number;
}

export const LINKS: LinkSettings[] = [
  { name: '100k-300ms', downKbps: 100, upKbps: 100, rttMs: 300 },
  // EDGE as the issue measured it: 50 kbit/s down, 20 up, 400 ms round trip.
  { name: 'edge', downKbps: 50, upKbps: 20, rttMs: 400 },
];

/** One IP packet's worth: pacing in such steps keeps the first bytes from waiting for the last. */
const SEGMENT = 1_460;

/** One direction of the link: segments leave at the link's rate and arrive a one-way delay later. */
class Pipe {
  private busyUntil = 0;
  private readonly queue: { at: number; data: Buffer }[] = [];
  private timer: NodeJS.Timeout | undefined;
  bytes = 0;

  constructor(
    private readonly kbps: number,
    private readonly delayMs: number,
    private readonly deliver: (data: Buffer) => void,
  ) {}

  /** Nothing may leave before `at` (the handshake's round trip on a new connection). */
  holdUntil(at: number): void {
    this.busyUntil = Math.max(this.busyUntil, at);
  }

  send(chunk: Buffer): void {
    this.bytes += chunk.length;
    for (let offset = 0; offset < chunk.length; offset += SEGMENT) {
      const data = chunk.subarray(offset, offset + SEGMENT);
      const leaves = Math.max(performance.now(), this.busyUntil) + (data.length * 8) / this.kbps;
      this.busyUntil = leaves;
      this.queue.push({ at: leaves + this.delayMs, data });
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || !this.queue.length) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const t = performance.now();
      // Timers fire late, never early: everything due by now goes out in order.
      while (this.queue.length && this.queue[0].at <= t + 0.5) this.deliver(this.queue.shift()!.data);
      this.schedule();
    }, Math.max(0, this.queue[0].at - performance.now()));
  }

  /** Resolves once everything sent so far has been delivered. */
  async drained(): Promise<void> {
    while (this.queue.length) await new Promise((r) => setTimeout(r, 5));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }
}

export interface WeakLink {
  port: number;
  link: LinkSettings;
  /** Bytes carried so far, client to server (up) and back (down): HTTP headers and bodies. */
  bytes(): { up: number; down: number };
  resetBytes(): void;
  close(): Promise<void>;
}

export async function startWeakLink(target: { host: string; port: number }, link: LinkSettings): Promise<WeakLink> {
  let up = 0;
  let down = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const toServer = new Pipe(link.upKbps, link.rttMs / 2, (d) => upstream.write(d));
    const toClient = new Pipe(link.downKbps, link.rttMs / 2, (d) => client.write(d));
    toServer.holdUntil(performance.now() + link.rttMs);
    client.on('data', (d: Buffer) => {
      up += d.length;
      toServer.send(d);
    });
    upstream.on('data', (d: Buffer) => {
      down += d.length;
      toClient.send(d);
    });
    // A close travels the link too: only after what was sent before it has arrived.
    const end = (pipe: Pipe, other: net.Socket) => () => void pipe.drained().then(() => other.end());
    client.on('end', end(toServer, upstream));
    upstream.on('end', end(toClient, client));
    const destroy = () => {
      toServer.stop();
      toClient.stop();
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', destroy).on('close', () => void toClient.drained().then(destroy));
    upstream.on('error', destroy);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    link,
    bytes: () => ({ up, down }),
    resetBytes() {
      up = 0;
      down = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The proxy's pacing against its setting: a payload each way through it to a sink, timed from the
 * first byte out to the last byte in, minus the one-way delay. The benchmark refuses a link that
 * is more than 10 % off, since every figure measured over it would be off as much.
 */
export async function verifyPacing(link: LinkSettings, seconds = 2): Promise<{ upError: number; downError: number }> {
  const upBytes = Math.round((link.upKbps * 1000 * seconds) / 8);
  const downBytes = Math.round((link.downKbps * 1000 * seconds) / 8);
  // The sink answers each byte count it was told to expect with that many bytes of its own.
  const sink = net.createServer((s) => {
    let got = 0;
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got === upBytes) s.end(Buffer.alloc(downBytes, 0x61));
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const proxy = await startWeakLink({ host: '127.0.0.1', port: (sink.address() as net.AddressInfo).port }, link);
  try {
    const result = await new Promise<{ sentAt: number; firstByteAt: number; lastByteAt: number }>((resolve, reject) => {
      const c = net.connect(proxy.port, '127.0.0.1');
      let sentAt = 0;
      let firstByteAt = 0;
      let lastByteAt = 0;
      let got = 0;
      c.on('connect', () => {
        sentAt = performance.now();
        c.write(Buffer.alloc(upBytes, 0x62));
      });
      c.on('data', (d: Buffer) => {
        if (!got) firstByteAt = performance.now();
        got += d.length;
        lastByteAt = performance.now();
      });
      c.on('end', () => (got === downBytes ? resolve({ sentAt, firstByteAt, lastByteAt }) : reject(new Error(`sink sent ${got} of ${downBytes} bytes`))));
      c.on('error', reject);
    });
    // Up: handshake, then all of the request, then a one-way delay, then the first reply segment
    // takes its own serialisation time and one-way delay.
    const firstSegmentMs = (Math.min(SEGMENT, downBytes) * 8) / link.downKbps;
    const upMs = result.firstByteAt - result.sentAt - link.rttMs - link.rttMs - firstSegmentMs;
    const downMs = result.lastByteAt - result.firstByteAt;
    const expectedUpMs = (upBytes * 8) / link.upKbps;
    const expectedDownMs = ((downBytes - Math.min(SEGMENT, downBytes)) * 8) / link.downKbps;
    return { upError: upMs / expectedUpMs - 1, downError: downMs / expectedDownMs - 1 };
  } finally {
    await proxy.close();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}
