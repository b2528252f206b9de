import { fork, type ChildProcess } from 'node:child_process';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const now = (): number => performance.timeOrigin + performance.now();

type Handler = (args: any) => unknown;

interface Request {
  id: number;
  cmd: string;
  args?: unknown;
}

/**
 * The child side: answers the runner's commands over the IPC channel (and `cpu`, its own CPU
 * time). Every child announces itself with a `ready` event carrying what the runner needs.
 */
export function serveIpc(handlers: Record<string, Handler>, ready: Record<string, unknown> = {}): void {
  const all: Record<string, Handler> = {
    /** This process's CPU time so far, in ms (user + system). */
    cpu: () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    },
    ...handlers,
  };
  process.on('message', async (msg: Request) => {
    const handler = all[msg.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${msg.cmd}`);
      const result = await handler(msg.args);
      process.send!({ id: msg.id, ok: true, result });
    } catch (err) {
      process.send!({ id: msg.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    }
  });
  // The runner going away (even by SIGKILL) closes the channel: nothing here should outlive it.
  process.on('disconnect', () => process.exit(0));
  process.send!({ event: 'ready', ...ready });
}

/** The runner side of one child process. */
export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    readonly info: Record<string, any>,
  ) {
    proc.on('message', (msg: any) => {
      if (typeof msg?.id !== 'number') return;
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.ok) waiter.resolve(msg.result);
      else waiter.reject(new Error(`${name}: ${msg.error}`));
    });
    proc.on('exit', (code, signal) => {
      this.exited = true;
      for (const w of this.pending.values()) w.reject(new Error(`${name} exited (${signal ?? code}) during a command`));
      this.pending.clear();
    });
  }

  /** Starts a TypeScript or JavaScript entry and waits for its `ready` event. */
  static async start(
    name: string,
    entry: string,
    opts: { execArgv?: string[]; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
  ): Promise<Child> {
    const proc = fork(entry, [], {
      execArgv: opts.execArgv ?? [],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const info = await new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${(opts.timeoutMs ?? 60_000) / 1000} s`)), opts.timeoutMs ?? 60_000);
      proc.on('message', (msg: any) => {
        if (msg?.event === 'ready') {
          clearTimeout(timer);
          resolve(msg);
        }
      });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${signal ?? code}) before it was ready`));
      });
      proc.once('error', reject);
    });
    return new Child(name, proc, info);
  }

  call<T = any>(cmd: string, args?: unknown): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.send({ id, cmd, args });
    });
  }

  /** Asks the child to exit on its own (so --cpu-prof profiles get written), then insists. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.call('shutdown').catch(() => {});
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }
}
