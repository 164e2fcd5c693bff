import { connect } from 'node:net';

export interface UploadResult {
  /** `null` when no complete answer could be read. */
  readonly status: number | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** What went wrong on the client's side (EPIPE, ECONNRESET…), or `null`. */
  readonly error: string | null;
}

export interface UploadOptions {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Send `Transfer-Encoding: chunked` instead of a Content-Length. */
  readonly chunked: boolean;
  /** Pause this long after the first chunk, as a client on a slow link does. */
  readonly pauseMs?: number;
}

const CHUNK = 64 * 1024;

function parseResponse(raw: Buffer): Pick<UploadResult, 'status' | 'headers' | 'body'> | null {
  const text = raw.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const body = text.slice(end + 4);
  const length = Number(headers['content-length']);
  if (Number.isFinite(length) && Buffer.byteLength(body) < length) return null;
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/**
 * Sends a request over a raw socket the way a browser does: the whole body first, and only then reads the answer.
 * A server that answers and closes the connection while the body is still coming makes that client fail: its
 * writes meet a closed socket (EPIPE, ECONNRESET) and the reset throws away the answer it had not read yet.
 */
export function upload({ url, method, headers, body, chunked, pauseMs = 0 }: UploadOptions): Promise<UploadResult> {
  const { hostname, port, pathname } = new URL(url);
  const head = [
    `${method} ${pathname} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    // One request per connection: the answer ends when the server closes it.
    'connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    chunked ? 'transfer-encoding: chunked' : `content-length: ${body.length}`,
    '',
    '',
  ].join('\r\n');
  const frame = (chunk: Buffer) => (chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk);

  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    let error: string | null = null;
    const finish = () => {
      const parsed = parseResponse(Buffer.concat(received));
      resolve({ status: parsed?.status ?? null, headers: parsed?.headers ?? {}, body: parsed?.body ?? '', error });
    };
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      error ??= cause.code ?? cause.message;
    });
    socket.on('close', finish);
    // Nothing is read before the whole body has been sent: what the server says meanwhile waits in the kernel.
    socket.pause();
    socket.on('data', (chunk: Buffer) => received.push(chunk));

    const writeAll = async () => {
      socket.write(head);
      for (let offset = 0; offset < body.length && !socket.destroyed; offset += CHUNK) {
        if (!socket.write(frame(body.subarray(offset, offset + CHUNK)))) {
          await new Promise((drained) => {
            socket.once('drain', drained);
            socket.once('close', drained);
          });
        }
        if (offset === 0 && pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
      if (chunked && !socket.destroyed) socket.write('0\r\n\r\n');
      // The request is complete: now read the answer (the server closes the connection after a 413).
      socket.resume();
      socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    };
    socket.once('connect', () => void writeAll());
  });
}
