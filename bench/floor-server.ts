/**
 * The floor of the fan-out benchmark: a bare `ws` server that does nothing but broadcast one
 * frame to every socket, started by bench/run.ts in a process of its own. The frame is encoded
 * once and sent as text to each socket, which is as little as a WebSocket server can do.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { now, serveIpc } from './ipc.js';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, backlog: 4096 });
await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
const { port } = wss.address() as AddressInfo;

serveIpc(
  {
    clients: () => wss.clients.size,
    /** Sends `frame` to every socket; the time it started is the floor's starting line. */
    broadcast: ({ frame }: { frame: string }) => {
      const data = Buffer.from(frame, 'utf8');
      const startedAt = now();
      for (const socket of wss.clients) socket.send(data, { binary: false });
      return { startedAt, sentAt: now(), sockets: wss.clients.size };
    },
    shutdown: () => {
      setImmediate(() => {
        for (const socket of wss.clients) socket.terminate();
        wss.close(() => process.exit(0));
      });
      return null;
    },
  },
  { url: `ws://127.0.0.1:${port}` },
);
