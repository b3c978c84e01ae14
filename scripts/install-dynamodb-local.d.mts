export const LAUNCHER_CLASS: string;
export function dynamoDbLocalDir(): string;
export function dynamoDbLocalPaths(home?: string): { home: string; jar: string; lib: string; launcherDir: string };
export function dynamoDbLocalInstalled(home?: string): boolean;
export function installDynamoDbLocal(): string;
