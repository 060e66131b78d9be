/**
 * Stores a SCRAM credential directly in the DCS (`tributary broker add-scram-user`): the first user of a
 * cluster that checks ACLs cannot be created through a broker, since creating users needs a user.
 */
import { type ScramMechanismName, scramCredential } from '../../proto/scram.js';
import { openStore } from '../broker.js';
import type { BrokerConfig } from '../config.js';
import { createLogger } from '../logger.js';
import {
  decodeScramUser,
  encodeDoc,
  type ScramUserDoc,
  scramUserKey,
  validateScramUser,
} from './security-records.js';
import { SecurityStore } from './security-store.js';

export async function addScramUser(
  config: BrokerConfig,
  user: string,
  password: string,
  mechanism: ScramMechanismName,
): Promise<void> {
  validateScramUser(user);
  const credential = scramCredential(password, { mechanism });
  const logger = createLogger('warn');
  const dcs = await openStore(config, logger);
  try {
    await new SecurityStore(dcs, logger).update(scramUserKey(user), (current) => {
      const doc: ScramUserDoc = current === undefined ? { user, credentials: {} } : decodeScramUser(current);
      return encodeDoc({ ...doc, credentials: { ...doc.credentials, [mechanism]: credential } });
    });
  } finally {
    await dcs.close();
  }
}
