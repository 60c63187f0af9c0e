export function coverageDir(): { dir: string; evaluated(): Set<string>; bundles(): string[]; done(): void };
export const MQTT: (name: string) => boolean;
export const PROMPTS: (name: string) => boolean;
export const SPINNER: (name: string) => boolean;
