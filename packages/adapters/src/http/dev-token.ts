import { createSigner } from 'fast-jwt';

export interface DevelopmentTokenOptions {
  readonly secret: string;
  readonly userId: string;
  readonly expiresInSeconds: number;
}

/** An HS256 token as a Next.js backend would mint it after Better Auth's getSession(): `sub` is the user. */
export function mintDevelopmentToken({ secret, userId, expiresInSeconds }: DevelopmentTokenOptions): string {
  const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: expiresInSeconds * 1000 });
  return sign({ sub: userId });
}
