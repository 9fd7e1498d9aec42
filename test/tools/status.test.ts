import { statusTools } from '../../src/tools/status.js';
import { describeToolsnaps } from '../helpers/toolsnaps.js';

/** tp_help and server_status: their schemas (toolsnaps). Their answers: generations.test.ts. */

describeToolsnaps(statusTools);
