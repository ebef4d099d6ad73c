import type {Server} from 'node:http';

/** A server that could not listen, with one line saying what to do. */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/** Listens on host:port, or rejects with a ListenError whose message is one line for the user. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void => {
      const code = error.code ?? 'unknown';
      reject(new ListenError(describeListenError(code, port, host), code));
    };
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

/** One line for a listen() failure: what went wrong and the variable to change. */
export function describeListenError(code: string, port: number, host: string): string {
  const other = port === 65535 ? port - 1 : port + 1;
  switch (code) {
    case 'EADDRINUSE':
      return `Port ${port} is in use; stop the other server or choose another port: PORT=${other} npm start`;
    case 'EACCES':
      return `Port ${port} needs privileges this user does not have; choose a port above 1023: PORT=8080 npm start`;
    case 'EADDRNOTAVAIL':
      return `HOST ${host} is not an address of this machine; leave HOST unset (127.0.0.1) or use HOST=0.0.0.0 for every interface`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST ${host} does not resolve to an address; leave HOST unset (127.0.0.1) or use HOST=0.0.0.0 for every interface`;
    default:
      return `Cannot listen on ${host} port ${port} (${code}); check HOST and PORT`;
  }
}
