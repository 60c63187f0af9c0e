/** A throwaway PKI for TLS tests: a CA, a server certificate for localhost/127.0.0.1, a client certificate. */
import { generate } from 'selfsigned';

export interface Pki {
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
}

/** `serverNames`: the DNS names on the server certificate; by default localhost and 127.0.0.1 (IP). `serverDays`: how
 * long the server certificate is valid from now (default a year). */
export async function makePki({ serverNames, serverDays }: { serverNames?: string[]; serverDays?: number } = {}): Promise<Pki> {
  const common = { keySize: 2048, algorithm: 'sha256' } as const;
  const ca = await generate([{ name: 'commonName', value: 'scp test CA' }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const signer = { ca: { key: ca.private, cert: ca.cert } };
  const altNames = serverNames
    ? serverNames.map((value) => ({ type: 2 as const, value }))
    : [{ type: 2 as const, value: 'localhost' }, { type: 7 as const, ip: '127.0.0.1' }];
  const server = await generate([{ name: 'commonName', value: serverNames?.[0] ?? 'localhost' }], {
    ...common,
    ...signer,
    ...(serverDays === undefined ? {} : { notAfterDate: new Date(Date.now() + serverDays * 86_400_000) }),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  const client = await generate([{ name: 'commonName', value: 'scp-operator' }], {
    ...common,
    ...signer,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return {
    ca: ca.cert,
    server: { cert: server.cert, key: server.private },
    client: { cert: client.cert, key: client.private },
  };
}
