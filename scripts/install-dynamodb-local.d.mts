export function dynamoDbLocalDir(): string;
export function installDynamoDbLocal(): string;
