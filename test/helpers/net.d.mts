export function freePort(): Promise<number>;
export function listening(port: number): Promise<boolean>;
export function which(command: string): string | undefined;
