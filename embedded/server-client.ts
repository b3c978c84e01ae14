/**
 * For the command-line tools that read a running server (audit export, claims export): where it is
 * (FANGPIN_URL, default http://127.0.0.1:3000) and the bearer token to use (FANGPIN_TOKEN).
 */
import { embeddedSetting } from './config.js';

export interface ServerClient {
  readonly base: string;
  get(path: string): Promise<unknown>;
}

export function serverClient(role: string): ServerClient {
  const base = embeddedSetting('FANGPIN_URL');
  const token = embeddedSetting('FANGPIN_TOKEN');
  if (!token) throw new Error(`set FANGPIN_TOKEN to an ${role} token (npm run token -- ${role})`);
  return {
    base,
    async get(path: string) {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    },
  };
}
