import { memberCode } from '@huiyuan/shared/src/domain/member-code';
import type { CodeGenerator } from '../hooks/useMemberCode';

/**
 * The shared TOTP rule (shared/src/domain/member-code.ts), imported by file so
 * the bundle gets this rule and @noble/hashes only, not zod and the API
 * schemas. With it the card computes its code offline, exactly as the server
 * verifies it. The hashing needs BigInt; where the engine lacks it (WeChat on
 * iOS < 14) there is no generator and the card shows the server's code.
 */
export const memberCodeGenerator: CodeGenerator | undefined = typeof BigInt === 'function' ? memberCode : undefined;
