import { connect, type Socket } from "node:net";

/** An HTTP/1.1 response as read off the socket: what `fetch` would normalise away (Host, framing) stays visible. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function parseRawResponse(raw: string): RawResponse {
  const end = raw.indexOf("\r\n\r\n");
  const [statusLine = "", ...lines] = raw.slice(0, end === -1 ? raw.length : end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: end === -1 ? "" : raw.slice(end + 4) };
}

/** A connection to write a request on by hand. */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
  /** What the server sent so far. */
  received(): string;
  /** Writes and waits until the bytes are handed to the kernel (false once the server has closed). */
  write(data: string | Uint8Array): Promise<boolean>;
}

export async function openRaw(port: number): Promise<RawConnection> {
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received = "";
  socket.on("data", (d) => {
    received += d.toString("latin1");
  });
  // A reset after the server answered is how an unread body often ends; what was received still counts.
  socket.on("error", () => undefined);
  const closed = new Promise<string>((resolve) => socket.once("close", () => resolve(received)));
  return {
    socket,
    closed,
    received: () => received,
    write: (data) => new Promise<boolean>((resolve) => (socket.destroyed ? resolve(false) : socket.write(data, (err) => resolve(!err)))),
  };
}

/** Sends one request exactly as written (ask for `Connection: close`) and reads the answer. */
export async function rawRequest(port: number, request: string): Promise<RawResponse> {
  const connection = await openRaw(port);
  await connection.write(request);
  return parseRawResponse(await connection.closed);
}
