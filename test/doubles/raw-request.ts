import { connect } from 'node:net';

/**
 * A GET with `target` as written (`//a:b@/status`), which fetch would have normalised: the status line the
 * server answers, or `closed` when it hangs up without one.
 */
export function rawGet(baseUrl: string, target: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer.split('\r\n')[0] || 'closed'));
    socket.on('error', reject);
  });
}
